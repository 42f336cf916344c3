"""The customers: companies and their contacts, some of them frequent requesters."""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass

from .timeline import DAY, Span, minutes, weighted

_PREFIXES = ("Blue", "North", "Bright", "Silver", "Quantum", "Green", "Summit", "Harbor",
             "Pixel", "Atlas", "Cedar", "Nova", "Orbit", "Maple", "Iron", "Lumen", "Vertex",
             "River", "Polar", "Echo")
_KINDS = {"Labs": "software", "Logistics": "logistics", "Health": "healthcare",
          "Foods": "food_and_beverage", "Analytics": "software", "Retail": "retail",
          "Systems": "manufacturing", "Studio": "media", "Energy": "energy",
          "Finance": "financial_services"}
_COUNTRIES = {"US": 30, "GB": 12, "DE": 12, "FR": 8, "CA": 8, "NL": 5, "ES": 5, "AU": 4,
              "SE": 4, "BR": 4, "IN": 4, "IE": 2, "JP": 2}
_DIAL = {"US": "+1", "CA": "+1", "GB": "+44", "DE": "+49", "FR": "+33", "NL": "+31",
         "ES": "+34", "AU": "+61", "SE": "+46", "BR": "+55", "IN": "+91", "IE": "+353",
         "JP": "+81"}
_PLANS = ("free", "starter", "pro", "enterprise")
_FIRST = ("Maria", "James", "Lea", "Noah", "Aisha", "Ben", "Carla", "David", "Elena", "Felix",
          "Grace", "Hugo", "Ines", "Jonas", "Kenji", "Laura", "Mateo", "Nora", "Oscar",
          "Paula", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Will", "Yara", "Zoe",
          "Lena", "Tom", "Mia")
_LAST = ("Garcia", "Smith", "Müller", "Dubois", "Khan", "Nguyen", "Silva", "Jensen", "Rossi",
         "Tanaka", "Brown", "Novak", "Olsen", "Patel", "Lopez", "Meyer", "Clark", "Kowalczyk",
         "Fischer", "Moreau", "Evans", "Sato", "Costa", "Larsen")
_FREEMAIL = ("gmail.com", "outlook.com", "yahoo.com", "proton.me")


@dataclass(frozen=True)
class Customers:
    """Company and contact rows, contacts sorted by creation, with requester weights."""

    companies: tuple[dict, ...]
    contacts: tuple[dict, ...]
    cum_weights: tuple[float, ...]
    created: tuple[dt.datetime, ...]

    def pick_contact(self, rng: random.Random, at: dt.datetime) -> dict:
        """A contact that existed at `at`; frequent requesters come up more often."""
        known = bisect.bisect_right(self.created, at) or 1
        return rng.choices(self.contacts[:known], cum_weights=self.cum_weights[:known])[0]

    def pick_company(self, rng: random.Random, at: dt.datetime) -> dict:
        known = [c for c in self.companies if c["created_at"] <= at] or list(self.companies)
        return rng.choice(known)


def make_customers(rng: random.Random, span: Span) -> Customers:
    companies = _companies(rng, span)
    contacts = sorted(_contacts(rng, span, companies), key=lambda c: c["created_at"])
    contacts = [{**c, "id": i} for i, c in enumerate(contacts, start=1)]
    weights = [min(rng.paretovariate(1.3), 40.0) for _ in contacts]
    return Customers(tuple(companies), tuple(contacts), tuple(itertools.accumulate(weights)),
                     tuple(c["created_at"] for c in contacts))


def _companies(rng: random.Random, span: Span, count: int = 40) -> list[dict]:
    pairs = rng.sample([(p, k) for p in _PREFIXES for k in _KINDS], count)
    plans = list(_PLANS) + rng.choices(_PLANS, weights=(20, 35, 30, 15), k=count - len(_PLANS))
    rng.shuffle(plans)
    no_size = set(rng.sample(range(count), 6))
    rows = []
    for i, ((prefix, kind), plan) in enumerate(zip(pairs, plans)):
        size = rng.lognormvariate(5.5 if plan == "enterprise" else 3.5, 1.0)
        rows.append({
            "name": f"{prefix} {kind}",
            "domain": f"{prefix}{kind}.com".lower(),
            "industry": _KINDS[kind],
            "country": weighted(rng, _COUNTRIES),
            "employees": None if i in no_size else max(2, int(size)),
            "plan": plan,
            "created_at": _created(rng, span, before=rng.random() < 0.75),
        })
    rows.sort(key=lambda r: r["created_at"])
    return [{"id": i, **r} for i, r in enumerate(rows, start=1)]


def _contacts(rng: random.Random, span: Span, companies: list[dict], count: int = 600):
    sizes = [3.0 if c["plan"] == "enterprise" else 1.0 for c in companies]
    emails = set()
    for _ in range(count):
        company = rng.choices(companies, weights=sizes)[0] if rng.random() < 0.75 else None
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        created = _created(rng, span, before=rng.random() < 0.55)
        if company is not None and created < company["created_at"]:
            created = min(company["created_at"] + minutes(rng.uniform(60, 40000)), span.now - DAY)
        country = weighted(rng, _COUNTRIES)
        if company and rng.random() < 0.85:
            country = company["country"]
        email = _email(rng, first, last, company, emails)
        emails.add(email)
        yield {
            "company_id": company["id"] if company else None,
            "name": f"{first} {last}",
            "email": email,
            "phone": _phone(rng, country) if rng.random() < 0.7 else None,
            "country": None if rng.random() < 0.1 else country,
            "lifecycle_stage": _stage(rng, company),
            "created_at": created,
        }


def _email(rng, first, last, company, taken) -> str:
    domain = company["domain"] if company else rng.choice(_FREEMAIL)
    local = f"{first}.{last}".lower().replace("ü", "ue")
    email, n = f"{local}@{domain}", 1
    while email in taken:
        n += 1
        email = f"{local}{n}@{domain}"
    return email


def _phone(rng: random.Random, country: str) -> str:
    return f"{_DIAL[country]} {rng.randint(200, 999)} {rng.randint(1000000, 9999999)}"


def _stage(rng: random.Random, company: dict | None) -> str:
    lead = 0.6 if company is None else 0.5 if company["plan"] == "free" else 0.1
    roll = rng.random()
    return "lead" if roll < lead else "churned" if roll < lead + 0.08 else "customer"


def _created(rng: random.Random, span: Span, before: bool) -> dt.datetime:
    """Before the span (up to ~5 years back) or during it, at an office hour."""
    days_back = rng.uniform(731, 1800) if before else rng.uniform(2, 725)
    day = (span.now - days_back * DAY).date()
    hour, minute, second = rng.randint(7, 19), rng.randrange(60), rng.randrange(60)
    return dt.datetime.combine(day, dt.time(hour, minute, second))

