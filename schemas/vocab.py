"""The contract's closed vocabularies (shared/CONTRACT.md, "Vocabularies") as enums.

They are `str` enums so that a value compares equal to its plain string and is stored as is.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    REGISTERED = "registered"
    RECOGNISED = "recognised"
    EXEMPLARY = "exemplary"
    IMPLEMENTED = "implemented"
    SUPPORTED = "supported"
    UNSPECIFIED = "unspecified"


class Field(str, Enum):
    TOTAL = "total"
    ECONOMY = "economy"
    CULTURE_SOCIETY = "culture_society"
    DEFENCE_SECURITY = "defence_security"
    POLITICAL_SYSTEM = "political_system"
    NEW_RURAL_URBAN = "new_rural_urban"
    ADMINISTRATIVE_REFORM = "administrative_reform"
    ENVIRONMENT = "environment"
    OTHER = "other"


class Qualifier(str, Enum):
    EXACT = "exact"
    APPROX = "approx"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class ScopeLevel(str, Enum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    AGENCY = "agency"
    NATIONAL = "national"


class DateKind(str, Enum):
    PUBLISH = "publish"
    EVENT = "event"
    DOCUMENT = "document"
    PERIOD = "period"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


STATUSES = frozenset(s.value for s in Status)
FIELDS = frozenset(f.value for f in Field)
QUALIFIERS = frozenset(q.value for q in Qualifier)
SCOPE_LEVELS = frozenset(s.value for s in ScopeLevel)
