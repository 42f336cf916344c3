"""The built-in demo help desk: two years of generated data ending at an anchor day."""
from .cache import demo_dataset_dir
from .generate_demo import generate_demo

__all__ = ["demo_dataset_dir", "generate_demo"]
