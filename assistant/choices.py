"""The portal's fixed choices for the profile layer, built from flows/choices.yaml.

The lists themselves are data (flows/choices.yaml, read by :mod:`flows.choices`), shared with the
mock portal and the page engine; this module keeps the names the rest of ``assistant`` imports
(tuples of canonical values, Literal types for the model, label maps) so that one file changes
when the portal's lists do. The Literal types are built at run time from the data; type checkers
see them as ``str``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from flows import choices as _data
from flows.choices import CLASS_FIELDS, canonical, category_of, classes_of, required_fields, shown, waiver_offered

POSTS: tuple[str, ...] = _data.values("posts")
PRIORITIES: tuple[str, ...] = _data.values("priorities")
VISA_CATEGORIES: tuple[str, ...] = _data.values("categories")
VISA_CLASSES: tuple[str, ...] = _data.values("classes")
CLASSES_BY_CATEGORY: dict[str, tuple[str, ...]] = {c: classes_of(c) for c in VISA_CATEGORIES}
GENDERS: tuple[str, ...] = _data.values("genders")
RELATIONS: tuple[str, ...] = _data.values("relations")
DELIVERY_OPTIONS: tuple[str, ...] = _data.values("delivery_options")
LANGUAGES: tuple[str, ...] = _data.values("languages")
SECURITY_QUESTIONS: tuple[str, ...] = _data.values("security_questions")
COUNTRIES: tuple[str, ...] = _data.values("countries")
"""English country names accepted for country of birth and nationality."""

PICKUP_LOCATIONS: dict[str, str] = {c.value: c.en for c in _data.choice_list("pickup_locations")}
"""The five free CITIC pickup locations of walkthrough step 11: city -> the en-US option text."""
PREMIUM_LOCATIONS: dict[str, str] = {c.value: c.en for c in _data.choice_list("premium_locations")}
"""The other CITIC branches (Premium Location, for a fee): city -> the en-US option text."""
LANGUAGE_LABELS: dict[str, str] = {c.value: c.en for c in _data.choice_list("languages")}
"""What the portal's preferred-language select shows for each language code."""

PREMIUM_DELIVERY = "Premium Delivery"
PREMIUM_LOCATION = "Premium Location"
PICK_UP = "Pick Up"
NO_PREVIOUS_VISA = "none"
"""travel_history.previous_visa_class when the applicant never had a U.S. visa (empty = not known)."""

VISA_TYPE = "Non-immigrant"
"""The only visa type the non-immigrant appointment flow offers."""

APPLICATION_COUNTRY = "China"
"""The portal's country of application and the only document delivery country."""

PHONE_COUNTRY = "China (+86)"
"""The default of the portal's phone code selects; phones are entered without it."""

MAINLAND_PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "上海市", "重庆市",
    "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省",
    "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
    "云南省", "陕西省", "甘肃省", "青海省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
)  # fmt: skip
"""Provincial-level divisions of mainland China: premium delivery does not reach Hong Kong,
Macau or Taiwan."""

if {PREMIUM_DELIVERY, PREMIUM_LOCATION, PICK_UP} != set(DELIVERY_OPTIONS):  # the rules branch on these three
    raise _data.ChoicesDataError(f"delivery_options must be {PREMIUM_DELIVERY}, {PREMIUM_LOCATION} and {PICK_UP}")

if TYPE_CHECKING:
    Post = str
    Priority = str
    VisaCategory = str
    VisaClass = str
    Gender = str
    Relation = str
    DeliveryOption = str
    PickupLocation = str
    PremiumLocation = str
    Language = str
    SecurityQuestion = str
else:
    Post = Literal[POSTS]
    Priority = Literal[PRIORITIES]
    VisaCategory = Literal[VISA_CATEGORIES]
    VisaClass = Literal[VISA_CLASSES]
    Gender = Literal[GENDERS]
    Relation = Literal[RELATIONS]
    DeliveryOption = Literal[DELIVERY_OPTIONS]
    PickupLocation = Literal[tuple(PICKUP_LOCATIONS)]
    PremiumLocation = Literal[tuple(PREMIUM_LOCATIONS)]
    Language = Literal[LANGUAGES]
    SecurityQuestion = Literal[SECURITY_QUESTIONS]

__all__ = [
    "APPLICATION_COUNTRY", "CLASSES_BY_CATEGORY", "CLASS_FIELDS", "COUNTRIES", "DELIVERY_OPTIONS",
    "GENDERS", "LANGUAGES", "LANGUAGE_LABELS", "MAINLAND_PROVINCES", "NO_PREVIOUS_VISA",
    "PHONE_COUNTRY", "PICKUP_LOCATIONS", "PICK_UP", "POSTS", "PREMIUM_DELIVERY", "PREMIUM_LOCATION",
    "PREMIUM_LOCATIONS", "PRIORITIES", "RELATIONS", "SECURITY_QUESTIONS", "VISA_CATEGORIES",
    "VISA_CLASSES", "VISA_TYPE", "canonical", "category_of", "classes_of", "required_fields", "shown",
    "waiver_offered",
    "DeliveryOption", "Gender", "Language", "PickupLocation", "PremiumLocation", "Post", "Priority",
    "Relation", "SecurityQuestion", "VisaCategory", "VisaClass",
]  # fmt: skip
