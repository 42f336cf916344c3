"""The built-in demo help desk: two years of generated data ending at an anchor day.

`cache.demo_dataset_dir` finds (or generates) the dataset, `generate_demo.generate_demo`
writes one. Nothing is imported here: finding the cached dataset must stay cheap.
"""
