"""Cross-field and group checks: what the portal would reject, and what a careful officer would.

Each check returns :class:`~assistant.problems.Problem` objects instead of raising, so a file's
problems are all reported together. ``today`` is a parameter so the checks are deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from assistant.choices import (
    CLASS_FIELDS,
    CLASSES_BY_CATEGORY,
    PICK_UP,
    PICKUP_LOCATIONS,
    PREMIUM_DELIVERY,
    PREMIUM_LOCATION,
    PREMIUM_LOCATIONS,
    required_fields,
    waiver_offered,
)
from assistant.models import Applicant, Delivery, Group, TravelHistory
from assistant.problems import Path, Problem, format_path

SIX_MONTHS_DAYS = 183
_CN_ID = re.compile(r"^\d{17}[\dX]$")
_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_ID_CHECK = "10X98765432"
_CN_PASSPORT = re.compile(r"^[A-Z]{1,2}\d{7,8}$")
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_ADMIN_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "自治州", "地区", "省", "市", "盟")


def china_id_check_char(first17: str) -> str:
    """The GB 11643 check character of a resident identity card number."""
    total = sum(int(d) * w for d, w in zip(first17, _CN_ID_WEIGHTS, strict=True))
    return _CN_ID_CHECK[total % 11]


def _core(name: str) -> str:
    """北京市 -> 北京, 广东省 -> 广东: how people often abbreviate inside a street line."""
    for suffix in _ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_applicant(
    a: Applicant, prefix: Path, *, travel_date: date | None, today: date
) -> list[Problem]:
    """Checks that need several fields of one applicant."""
    out: list[Problem] = []

    def add(sub: Path, message: str, fix: str = "", severity: str = "error") -> None:
        out.append(Problem(message=message, fix=fix, path=prefix + sub, severity=severity))  # type: ignore[arg-type]

    # Birth date and age.
    if a.birth_date > today:
        add(("birth_date",), "is in the future", "write the birth date as in the passport")
    elif a.age_on(today) > 120:
        add(("birth_date",), "gives an age over 120", "check the year")
    else:
        age = a.age_on(today)
        if age < 14:
            add(("birth_date",), f"{a.full_name} is {age}: applicants under 14 may qualify for an "
                "interview waiver and need a parent's documents; check the post's instructions",
                severity="note")
        elif age >= 80:
            add(("birth_date",), f"{a.full_name} is {age}: applicants aged 80 and over may qualify "
                "for an interview waiver; check the post's instructions", severity="note")

    # Passport dates.
    p = a.passport
    if p.issue_date > today:
        add(("passport", "issue_date"), "is in the future", "copy the issue date from the passport")
    if p.issue_date < a.birth_date:
        add(("passport", "issue_date"), "is before the birth date", "check both dates against the passport")
    if p.expiry_date <= p.issue_date:
        add(("passport", "expiry_date"), "is not after the issue date", "check both dates against the passport")
    if p.expiry_date <= today:
        add(("passport", "expiry_date"), f"the passport expired on {p.expiry_date.isoformat()}",
            "renew the passport and enter the new one (a new passport also needs a new DS-160)")
    elif travel_date is not None and p.expiry_date <= travel_date:
        add(("passport", "expiry_date"),
            f"the passport expires ({p.expiry_date.isoformat()}) before the travel date ({travel_date.isoformat()})",
            "renew the passport before applying")
    elif travel_date is not None and p.expiry_date < _add_months(travel_date, 6):
        add(("passport", "expiry_date"),
            f"the passport expires less than six months after the travel date ({p.expiry_date.isoformat()})",
            "many posts expect six months of validity beyond the stay; consider renewing",
            severity="warning")

    # Visa class belongs to the category.
    allowed = CLASSES_BY_CATEGORY.get(a.visa.category, ())
    if a.visa.visa_class not in allowed:
        owner = next((c for c, classes in CLASSES_BY_CATEGORY.items() if a.visa.visa_class in classes), None)
        add(("visa", "visa_class"), f"{a.visa.visa_class} is not a class of the category {a.visa.category}",
            f"set visa.category to {owner}" if owner else "choose a class of that category")

    # Chinese nationals: resident ID card number and passport format.
    if a.nationality == "China":
        nid = a.national_id.upper()
        if not _CN_ID.match(nid):
            add(("national_id",), "is not an 18-character resident ID number (17 digits, then a digit or X)",
                "copy the number from the identity card")
        else:
            if china_id_check_char(nid[:17]) != nid[17]:
                add(("national_id",), "has a wrong check character (last character)",
                    "a digit was mistyped; copy the number from the identity card again")
            try:
                born = date(int(nid[6:10]), int(nid[10:12]), int(nid[12:14]))
            except ValueError:
                born = None
            if born != a.birth_date:
                add(("national_id",), f"encodes the birth date {nid[6:14]}, which differs from birth_date "
                    f"{a.birth_date.isoformat()}", "check the birth date and the ID number")
            id_gender = "Male" if int(nid[16]) % 2 else "Female"
            if id_gender != a.gender:
                add(("gender",), f"is {a.gender}, but the national ID number is a {id_gender.lower()}'s",
                    "check the gender and the ID number")
        if not _CN_PASSPORT.match(p.number):
            add(("passport", "number"), "does not look like a Chinese passport number (e.g. E12345678, EA1234567)",
                "check it against the passport", severity="warning")

    out.extend(check_class_fields(a, prefix))
    out.extend(check_travel_history(a, prefix, today=today))
    if a.delivery is not None:
        out.extend(check_delivery(a.delivery, a, prefix + ("delivery",)))
    return out


CLASS_FIELD_FIX: dict[str, str] = {
    "sevis_id": "add visa.sevis_id: N followed by 10 digits, from the applicant's own Form I-20 or "
    "DS-2019 (a spouse or child has their own)",
    "petition_receipt_number": "add visa.petition_receipt_number: the Receipt Number on the Form I-797 "
    "approval notice, e.g. EAC2490012345",
    "petitioner_name": "add visa.petitioner_name: the petitioning employer, as on the Form I-797",
}
"""How to fill each field a class may require (which class requires what is data: flows/choices.yaml)."""


def check_class_fields(a: Applicant, prefix: Path) -> list[Problem]:
    """The Additional Options fields the visa class requires, and none it does not take."""
    out: list[Problem] = []
    needed = required_fields(a.visa.visa_class)
    for name in CLASS_FIELDS:
        given = getattr(a.visa, name) is not None
        if name in needed and not given:
            out.append(Problem(message=f"is required for visa class {a.visa.visa_class}",
                               fix=CLASS_FIELD_FIX[name], path=prefix + ("visa", name)))
        elif given and name not in needed:
            out.append(Problem(message=f"is not asked for visa class {a.visa.visa_class}",
                               fix="remove it, or check the visa class", path=prefix + ("visa", name)))
    return out


def check_travel_history(a: Applicant, prefix: Path, *, today: date) -> list[Problem]:
    """The previous-visa facts agree with each other and the calendar; a category whose Interview
    Waiver page asks questions is warned about every fact left unknown (the run stops there)."""
    out: list[Problem] = []
    th = a.travel_history
    at = prefix + ("travel_history",)

    def add(field: str, message: str, fix: str, severity: str = "error") -> None:
        out.append(Problem(message=message, fix=fix, path=at + ((field,) if field else ()), severity=severity))  # type: ignore[arg-type]

    if th is not None:
        issued, expires = th.previous_visa_issue_date, th.previous_visa_expiry_date
        if th.had_previous_visa is False:
            for name in ("previous_visa_issue_date", "previous_visa_expiry_date"):
                if getattr(th, name) is not None:
                    add(name, "gives a date, but previous_visa_class says there was no previous U.S. visa",
                        "remove the date, or write the previous visa's class in previous_visa_class")
            if th.previous_visa_lost_or_stolen:
                add("previous_visa_lost_or_stolen",
                    "is yes, but previous_visa_class says there was no previous U.S. visa",
                    "check both: a visa lost, stolen, cancelled or revoked is a previous visa (write its class)")
        elif th.had_previous_visa is None and (issued is not None or expires is not None):
            add("previous_visa_class", "is empty, but the previous visa's dates are given",
                "write the class printed on that visa, e.g. B1/B2")
        if issued is not None:
            if issued > today:
                add("previous_visa_issue_date", "is in the future", "copy the issue date from the previous visa")
            elif issued < a.birth_date:
                add("previous_visa_issue_date", "is before the birth date", "check it against the previous visa")
        if issued is not None and expires is not None and expires <= issued:
            add("previous_visa_expiry_date", f"is not after the issue date ({issued.isoformat()})",
                "check both dates against the previous visa")
    if waiver_offered(a.visa.category):
        unknown = (th or TravelHistory()).unknown_facts()
        if unknown:
            add("", f"the Interview Waiver questions of {a.visa.category} are answered from these facts; "
                f"not given: {', '.join(unknown)}, so the run stops at that page for a person",
                "add them under travel_history (see profiles/README.md); write none for "
                "previous_visa_class if there was no previous U.S. visa", severity="warning")
    return out


def check_delivery(d: Delivery, a: Applicant, prefix: Path) -> list[Problem]:
    """Option, pickup location and the Chinese address's order."""
    out: list[Problem] = []

    def add(sub: Path, message: str, fix: str, severity: str = "error") -> None:
        out.append(Problem(message=message, fix=fix, path=prefix + sub, severity=severity))  # type: ignore[arg-type]

    if d.option != PICK_UP and d.pickup_location is not None:
        if d.option == PREMIUM_LOCATION:
            add(("pickup_location",), "is one of the free Pick Up locations; Premium Location takes premium_location",
                f"for the free {d.pickup_location} location set option: Pick Up; for a paid branch write "
                "premium_location (spreadsheet: delivery_premium_location): one of " + ", ".join(PREMIUM_LOCATIONS))
        else:
            add(("pickup_location",), f"is only for Pick Up, not {d.option}", "remove it, or change the option to Pick Up")
    if d.option != PREMIUM_LOCATION and d.premium_location is not None:
        add(("premium_location",), f"is only for Premium Location, not {d.option}",
            "remove it, or change the option to Premium Location")
    if d.option == PREMIUM_DELIVERY:
        if d.address is None:
            add(("address",), "Premium Delivery needs the Chinese delivery address",
                "add address: street, city, state, postal_code (in Chinese)")
        else:
            addr = d.address
            province, city = _core(addr.state), _core(addr.city)
            if not addr.street.startswith((addr.state, province)):
                add(("address", "street"),
                    f"must start with the province ({addr.state}): the order is province - city - street - building - room",
                    f"e.g. {addr.state}{addr.city if addr.city != addr.state else ''}…区…路…号…楼…室")
            elif city not in addr.street:
                add(("address", "street"),
                    f"must name the city ({addr.city}) after the province: province - city - street - building - room",
                    f"e.g. {addr.state}{addr.city}…区…路…号…楼…室")
            if not re.search(r"\d|[号楼室层座栋单元]", addr.street + (addr.street2 or "") + (addr.street3 or "")):
                add(("address", "street"), "names no building or room",
                    "add the building and room, e.g. …18号B座1101室", severity="warning")
        if not _CN_MOBILE.match(a.mobile_phone):
            out.append(Problem(
                message="Premium Delivery needs a mainland China mobile number (11 digits starting with 1)",
                fix="give a mainland mobile number, e.g. 13800138000, or choose Pick Up",
                path=prefix[:-1] + ("mobile_phone",),
            ))
    else:
        if d.address is not None:
            add(("address",), f"is only used with Premium Delivery, not {d.option}",
                "remove the address, or change the option to Premium Delivery")
        if d.option == PICK_UP and d.pickup_location is None:
            add(("pickup_location",), "Pick Up needs one of the free CITIC pickup locations",
                "add pickup_location: one of " + ", ".join(PICKUP_LOCATIONS))
        elif d.option == PREMIUM_LOCATION and d.premium_location is None and d.pickup_location is None:
            add(("premium_location",), "Premium Location needs the CITIC branch (for a fee)",
                "add premium_location: one of " + ", ".join(PREMIUM_LOCATIONS)
                + " (for the free locations choose Pick Up)")
    return out


Member = tuple[Path, Applicant]


def _duplicates(members: list[Member], label: str, attr: str, sub: Path) -> Iterable[Problem]:
    seen: dict[str, Path] = {}
    for path, a in members:
        shown = attr_value(a, attr)
        if not shown:
            continue  # an optional field left out is nobody's duplicate
        value = shown.upper()
        if value in seen:
            yield Problem(
                message=f"{label} {shown} is also used by {format_path(seen[value])}",
                fix=f"each applicant needs their own {label}; check both against the documents",
                path=path + sub,
            )
        else:
            seen[value] = path


def attr_value(a: Applicant, attr: str) -> str:
    """The text of a (dotted) attribute; empty for an optional one left out."""
    obj: object = a
    for part in attr.split("."):
        obj = getattr(obj, part)
    return "" if obj is None else str(obj)


def members_of(group: Group) -> list[Member]:
    return [(("primary",), group.primary)] + [(("dependents", i), d) for i, d in enumerate(group.dependents)]


def check_members(members: list[Member], *, post: str | None) -> list[Problem]:
    """Checks across applicants. Works on a partial list too (when some applicants do not
    parse), so a file's group-level problems are reported along with its field errors."""
    out: list[Problem] = []
    primary = next((a for path, a in members if path == ("primary",)), None)
    for path, a in members:
        if post is not None and a.visa.post != post:
            who = "the group's post" if path == ("primary",) else "the primary's post"
            out.append(Problem(
                message=f"{a.visa.post} differs from {who} ({post}); a group is scheduled at one post",
                fix=f"set visa.post to {post}, or put this applicant in another group",
                path=path + ("visa", "post"),
            ))
    out.extend(_duplicates(members, "id", "id", ("id",)))
    out.extend(_duplicates(members, "passport number", "passport.number", ("passport", "number")))
    out.extend(_duplicates(members, "DS-160 number", "ds160_number", ("ds160_number",)))
    out.extend(_duplicates(members, "national ID", "national_id", ("national_id",)))
    out.extend(_duplicates(members, "SEVIS ID", "visa.sevis_id", ("visa", "sevis_id")))

    spouses = [path for path, a in members if getattr(a, "relation", None) == "Spouse"]
    for path in spouses[1:]:
        out.append(Problem(message="a second spouse in the group", fix="check the relation",
                           path=path + ("relation",), severity="warning"))
    if primary is not None:
        for path, d in members:
            relation = getattr(d, "relation", None)
            if relation == "Child" and d.birth_date <= primary.birth_date:
                out.append(Problem(message="a child born before the primary applicant",
                                   fix="check the relation and birth dates",
                                   path=path + ("relation",), severity="warning"))
            if relation == "Parent" and d.birth_date >= primary.birth_date:
                out.append(Problem(message="a parent born after the primary applicant",
                                   fix="check the relation and birth dates",
                                   path=path + ("relation",), severity="warning"))
    return out


def check_group(group: Group, today: date | None = None) -> list[Problem]:
    """Every rule on a parsed group: per applicant, then across the group."""
    today = today or date.today()
    out: list[Problem] = []
    if group.travel_date <= today:
        out.append(Problem(message=f"{group.travel_date.isoformat()} is not in the future",
                           fix="set the planned travel date (YYYY-MM-DD)", path=("travel_date",)))
    members = members_of(group)
    for path, a in members:
        out.extend(check_applicant(a, path, travel_date=group.travel_date, today=today))
    out.extend(check_members(members, post=group.post))
    return out


__all__ = [
    "CLASS_FIELD_FIX", "check_applicant", "check_class_fields", "check_delivery", "check_group", "check_members",
    "check_travel_history", "china_id_check_char",
]
