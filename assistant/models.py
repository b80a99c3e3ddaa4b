"""The applicant, account and group models: one validated shape for YAML files and spreadsheets.

Field-level formats (dates, names, phones, DS-160 numbers, Chinese addresses...) are checked
here with messages that say how to fix them. Checks that need several fields or the whole group
live in :mod:`assistant.rules` so that every problem of a file is reported at once.
No Playwright here: the model is used before any browser opens.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from assistant.choices import (
    COUNTRIES,
    MAINLAND_PROVINCES,
    NO_PREVIOUS_VISA,
    PICKUP_LOCATIONS,
    PREMIUM_LOCATIONS,
    SECURITY_QUESTIONS,
    VISA_CLASSES,
    VISA_TYPE,
    DeliveryOption,
    Gender,
    Language,
    PickupLocation,
    PremiumLocation,
    Post,
    Priority,
    Relation,
    VisaCategory,
    VisaClass,
    canonical,
)
from assistant.problems import Path, Problem


def portal_date(value: date) -> str:
    """The portal's date format: M/D/YYYY without zero padding, e.g. 3/7/1985."""
    return f"{value.month}/{value.day}/{value.year}"


def _fail(message: str, fix: str) -> PydanticCustomError:
    # Braces would be read as placeholders by pydantic; none of our messages need them.
    return PydanticCustomError("ustd", message.replace("{", "(").replace("}", ")"), {"fix": fix})


# --- choices: the portal's own words accepted ----------------------------------------------


def portal_words(list_name: str) -> BeforeValidator:
    """Read any wording of a choice (canonical, as the portal shows it in either locale, or an
    alias; case, width and spacing aside) as the canonical value, so files and spreadsheets may
    copy the portal's text (中文(中国), Hong Kong SAR, 配偶) and the model stores one value. An
    unknown wording passes through unchanged for the type's own check to refuse."""

    def to_value(value: Any) -> Any:
        if isinstance(value, str):
            found = canonical(list_name, value)
            if found is not None:
                return found
        return value

    return BeforeValidator(to_value)


PostChoice = Annotated[Post, portal_words("posts")]
CategoryChoice = Annotated[VisaCategory, portal_words("categories")]
ClassChoice = Annotated[VisaClass, portal_words("classes")]
PriorityChoice = Annotated[Priority, portal_words("priorities")]
GenderChoice = Annotated[Gender, portal_words("genders")]
RelationChoice = Annotated[Relation, portal_words("relations")]
LanguageChoice = Annotated[Language, portal_words("languages")]
DeliveryOptionChoice = Annotated[DeliveryOption, portal_words("delivery_options")]
PickupChoice = Annotated[PickupLocation, portal_words("pickup_locations")]
PremiumLocationChoice = Annotated[PremiumLocation, portal_words("premium_locations")]


# --- scalar types -------------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PORTAL_STYLE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_iso_date(value: Any) -> date:
    if isinstance(value, datetime):  # Excel date cells arrive as datetimes at midnight
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise _fail(f"{text} is not a real calendar date", "check the day and month") from None
        if m := _PORTAL_STYLE.match(text):
            mo, d, y = (int(x) for x in m.groups())
            hint = f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 else "YYYY-MM-DD"
            raise _fail("dates in files are ISO (YYYY-MM-DD), not M/D/YYYY", f"write {hint}")
    raise _fail("is not a date in the form YYYY-MM-DD", "write the date as YYYY-MM-DD, e.g. 1985-03-07")


IsoDate = Annotated[date, BeforeValidator(parse_iso_date)]


def _text_from_number(value: Any) -> Any:
    """Numbers typed into spreadsheets or left unquoted become text (phones, postal codes)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_printable(value: str) -> str:
    if _CONTROL.search(value):
        raise _fail("contains a control character (line break, tab...)", "write it on one line, plain text only")
    return value


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_check_printable)
]

_NAME = re.compile(r"^[A-Z]+(?:[ '\-][A-Z]+)*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _check_name(value: str) -> str:
    if _NAME.match(value) and len(value) <= 40:
        return value
    if _CJK.search(value):
        raise _fail(
            "uses Chinese characters",
            "write the Latin (pinyin) spelling exactly as printed in the passport, in capitals",
        )
    if _NAME.match(value.upper()):
        raise _fail("must be upper case, as in the passport", f"write {value.upper()}")
    raise _fail(
        "may contain only Latin capitals A-Z, single spaces, hyphens and apostrophes (at most 40)",
        "copy the name as printed in the passport's machine-readable zone, e.g. WANG",
    )


LatinName = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_name)]

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise _fail(
            "must be a short slug: lower-case letters, digits and hyphens",
            "use something like wang-lei or wang-lei-2 (it names the keyring entries)",
        )
    return value


Slug = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_slug)]


def _check_phone(value: str) -> str:
    if re.fullmatch(r"\d{6,15}", value):
        if value.startswith("0086") or (value.startswith("86") and len(value) == 13):
            raise _fail("seems to start with the country code 86", f"remove it: {value.lstrip('0')[2:]}")
        return value
    digits = re.sub(r"\D", "", value)
    if value.strip().startswith("+"):
        raise _fail(
            "must not include a country code (the portal's code select already says China (+86))",
            "write only the national number, digits only, e.g. 13800138000",
        )
    raise _fail("must be 6 to 15 digits, nothing else", f"write {digits}" if 6 <= len(digits) <= 15 else "write digits only")


Phone = Annotated[
    str,
    BeforeValidator(_text_from_number),
    StringConstraints(strip_whitespace=True),
    AfterValidator(_check_phone),
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def _check_email(value: str) -> str:
    if not _EMAIL.match(value) or len(value) > 254:
        raise _fail("is not an e-mail address", "write it as name@example.com")
    return value


Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_email)]


def _check_country(value: str) -> str:
    if value in COUNTRIES:
        return value
    lowered = {c.lower(): c for c in COUNTRIES}
    guess = lowered.get(value.lower()) or next(iter(difflib.get_close_matches(value, COUNTRIES, 1)), None)
    fix = f"did you mean {guess}?" if guess else "use the English country name, e.g. China"
    raise _fail("is not a country name the portal lists", fix)


Country = Annotated[
    str,
    portal_words("countries"),
    StringConstraints(strip_whitespace=True),
    AfterValidator(_check_country),
    WithJsonSchema({"type": "string", "enum": list(COUNTRIES)}),
]

_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


def _check_passport_number(value: str) -> str:
    if _PASSPORT.match(value):
        return value
    if _PASSPORT.match(value.upper()):
        raise _fail("must be in capitals, as in the passport", f"write {value.upper()}")
    raise _fail("must be 5-20 capital letters and digits, no spaces", "copy it from the passport, e.g. EA0000001")


PassportNumber = Annotated[
    str, BeforeValidator(_text_from_number), StringConstraints(strip_whitespace=True),
    AfterValidator(_check_passport_number),
]

_DS160 = re.compile(r"^AA[0-9A-Z]{8}$")


def _check_ds160(value: str) -> str:
    if _DS160.match(value):
        return value
    if _DS160.match(value.upper()):
        raise _fail("must be in capitals exactly as on the DS-160 confirmation page", f"write {value.upper()}")
    raise _fail(
        "is not a DS-160 confirmation number (AA followed by 8 capital letters or digits, e.g. AA00ABC123)",
        "copy the barcode number from the DS-160 confirmation page; a mismatch cancels the appointment",
    )


Ds160Number = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_ds160)]

_SEPARATORS = re.compile(r"[\s\-_./]+")


def _compact_upper(value: Any) -> Any:
    """Spaces, hyphens and case as people copy an id from a form: 'n 001-234-5678' -> N0012345678."""
    value = _text_from_number(value)
    if isinstance(value, str):
        return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    return value


_SEVIS = re.compile(r"^N\d{10}$")


def _check_sevis(value: str) -> str:
    if _SEVIS.match(value):
        return value
    if re.fullmatch(r"\d{10}", value):
        raise _fail("is missing the leading N of a SEVIS ID", f"write N{value}")
    raise _fail(
        "is not a SEVIS ID (N followed by 10 digits, e.g. N0012345678)",
        "copy it from the top of the applicant's own Form I-20 or DS-2019",
    )


SevisId = Annotated[str, BeforeValidator(_compact_upper), AfterValidator(_check_sevis)]

_RECEIPT = re.compile(r"^[A-Z]{3}\d{10}$")


def _check_receipt(value: str) -> str:
    if _RECEIPT.match(value):
        return value
    raise _fail(
        "is not a petition receipt number (3 letters and 10 digits, e.g. EAC2490012345)",
        "copy the Receipt Number from the Form I-797 approval notice",
    )


ReceiptNumber = Annotated[str, BeforeValidator(_compact_upper), AfterValidator(_check_receipt)]


def _check_petitioner(value: str) -> str:
    if _CJK.search(value):
        raise _fail("uses Chinese characters", "write the petitioner's name in English, as on the Form I-797")
    return value


PetitionerName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_check_printable),
    AfterValidator(_check_petitioner),
]


def _previous_class(value: Any) -> Any:
    """A class code in any of its wordings, or "none" (no previous U.S. visa)."""
    if isinstance(value, str):
        if value.strip().casefold() in (NO_PREVIOUS_VISA, "无", "没有"):
            return NO_PREVIOUS_VISA
        return canonical("classes", value) or value.strip()
    return value


def _check_previous_class(value: str) -> str:
    if value == NO_PREVIOUS_VISA or value in VISA_CLASSES:
        return value
    guess = next(iter(difflib.get_close_matches(value.upper(), VISA_CLASSES, 1)), None)
    raise _fail(
        "is not a visa class the portal lists, nor none",
        (f"did you mean {guess}? " if guess else "")
        + "write the class printed on the previous visa (e.g. B1/B2, F-1), or none if there was none",
    )


PreviousVisaClass = Annotated[
    str, BeforeValidator(_previous_class), AfterValidator(_check_previous_class),
    WithJsonSchema({"type": "string", "enum": [NO_PREVIOUS_VISA, *VISA_CLASSES]}),
]

_POSTAL_ANY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,9}$")


def _check_postal(value: str) -> str:
    if not _POSTAL_ANY.match(value):
        raise _fail("is not a postal code", "write the postal code, e.g. 100020")
    return value


PostalCode = Annotated[
    str, BeforeValidator(_text_from_number), StringConstraints(strip_whitespace=True),
    AfterValidator(_check_postal),
]


def _check_cn_postal(value: str) -> str:
    if not re.fullmatch(r"\d{6}", value):
        raise _fail("must be a 6-digit mainland China postal code", "write it like 100020")
    return value


ChinaPostalCode = Annotated[
    str, BeforeValidator(_text_from_number), StringConstraints(strip_whitespace=True),
    AfterValidator(_check_cn_postal),
]

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_ALLOWED_IN_CHINESE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff0-9０-９A-Za-z\-－#＃()（）、，,·.。 　]+$")


def _check_chinese(value: str) -> str:
    if m := _LATIN_WORD.search(value):
        raise _fail(
            f"contains English ({m.group(0)}); the delivery address must be in Chinese only",
            "write it in Chinese, e.g. 11层 for floor 11 (a single building letter such as B座 is fine)",
        )
    if not _CJK.search(value):
        raise _fail("must be written in Chinese", "write it in Chinese characters, e.g. 北京市")
    if not _ALLOWED_IN_CHINESE.match(value):
        raise _fail(
            "contains characters that do not belong in a Chinese address",
            "use Chinese characters, digits and ordinary punctuation only",
        )
    return value


ChineseText = Annotated[
    str,
    BeforeValidator(_text_from_number),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_check_chinese),
]


def _check_province(value: str) -> str:
    if value in MAINLAND_PROVINCES:
        return value
    guess = next((p for p in MAINLAND_PROVINCES if value and p.startswith(value)), None)
    if value in ("香港", "澳门", "台湾", "香港特别行政区", "澳门特别行政区", "台湾省"):
        raise _fail("premium delivery only reaches mainland China", "choose Pick Up or give a mainland address")
    raise _fail(
        "is not a mainland province, municipality or autonomous region",
        f"write {guess}" if guess else "write its full name, e.g. 北京市, 广东省",
    )


Province = Annotated[
    ChineseText,
    AfterValidator(_check_province),
    WithJsonSchema({"type": "string", "enum": list(MAINLAND_PROVINCES)}),
]


def _check_questions(value: list[str]) -> list[str]:
    for i, q in enumerate(value, start=1):
        if q not in SECURITY_QUESTIONS:
            # Never echo the text: staff sometimes paste the answer next to the question.
            raise _fail(
                f"question {i} is not one of the portal's security questions",
                "copy one of the questions listed in profiles/README.md exactly; answers go in the keyring",
            )
    if len(set(value)) != len(value):
        raise _fail("the three security questions must be different", "choose three different questions")
    return value


SecurityQuestions = Annotated[
    list[Annotated[str, portal_words("security_questions"), StringConstraints(strip_whitespace=True)]],
    Field(min_length=3, max_length=3),
    AfterValidator(_check_questions),
    WithJsonSchema(
        {"type": "array", "minItems": 3, "maxItems": 3, "uniqueItems": True,
         "items": {"type": "string", "enum": list(SECURITY_QUESTIONS)}}
    ),
]  # fmt: skip


def _check_username(value: str) -> str:
    if "@" in value:
        raise _fail("may not be an e-mail address (the portal refuses it)", "choose a user name without @")
    if not re.fullmatch(r"[A-Za-z0-9._\-]{4,64}", value):
        raise _fail("must be 4-64 letters, digits, dots, hyphens or underscores", "choose a simple user name, e.g. wanglei2027")
    return value


Username = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_username)]


# --- models -------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)


class MailingAddress(_Model):
    """Applicant Details' mailing address (any script; the portal does not restrict it)."""

    street: Text
    city: Text
    state: Text = Field(description="State or province")
    postal_code: PostalCode


class Passport(_Model):
    number: PassportNumber = Field(description="As printed, capitals and digits, e.g. EA0000001")
    issue_date: IsoDate
    expiry_date: IsoDate
    place_of_issue: Text = Field(description="As printed in the passport, e.g. BEIJING")

    @property
    def issue_date_portal(self) -> str:
        return portal_date(self.issue_date)

    @property
    def expiry_date_portal(self) -> str:
        return portal_date(self.expiry_date)


class VisaOptions(_Model):
    """Visa Options and Additional Options. Which of the class's extra fields are required comes
    from flows/choices.yaml (``required_fields``); :mod:`assistant.rules` checks it."""

    post: PostChoice = Field(description="Embassy/Consulate/OFC; must equal the group's post")
    category: CategoryChoice = Field(description="Post Visa Category")
    visa_class: ClassChoice = Field(description="Must belong to the category")
    priority: PriorityChoice = "Regular"
    sevis_id: SevisId | None = Field(
        None, description="Students and exchange visitors (F, J, M classes, dependents too): N + 10 digits, "
        "from the applicant's own I-20 / DS-2019",
    )
    petition_receipt_number: ReceiptNumber | None = Field(
        None, description="Petition-based workers: 3 letters + 10 digits, from the Form I-797 notice",
    )
    petitioner_name: PetitionerName | None = Field(
        None, description="Petition-based workers: the petitioning employer, as on the Form I-797",
    )

    @property
    def visa_type(self) -> str:
        return VISA_TYPE


class DeliveryAddress(_Model):
    """Premium Delivery address: Chinese only, province - city - street - building - room."""

    street: ChineseText = Field(description="Starts with the province, then city, street, building, room")
    street2: ChineseText | None = None
    street3: ChineseText | None = None
    city: ChineseText
    state: Province
    postal_code: ChinaPostalCode


class Delivery(_Model):
    """Document delivery: home delivery to a Chinese address (Premium Delivery), a free CITIC
    pickup location (Pick Up), or any other CITIC branch for a fee (Premium Location)."""

    option: DeliveryOptionChoice
    pickup_location: PickupChoice | None = Field(
        None, description="Pick Up only: the free CITIC location's city, one of " + ", ".join(PICKUP_LOCATIONS)
    )
    premium_location: PremiumLocationChoice | None = Field(
        None, description="Premium Location only: the CITIC branch's city, one of " + ", ".join(PREMIUM_LOCATIONS)
    )
    address: DeliveryAddress | None = Field(None, description="For Premium Delivery only")


def _yes_no(value: Any) -> Any:
    """是 / 否 as the zh-CN portal labels its radios, besides yes/no/true/false."""
    if isinstance(value, str):
        return {"是": "yes", "否": "no"}.get(value.strip(), value)
    return value


YesNo = Annotated[bool, BeforeValidator(_yes_no)]


class TravelHistory(_Model):
    """Facts the Interview Waiver questions are answered from. Every fact is optional: an empty
    (unknown) fact is never guessed; a question that needs it stops the run for a person."""

    previous_visa_class: PreviousVisaClass | None = Field(
        None, description="Class of the most recent U.S. visa (e.g. B1/B2), none if there was none, "
        "empty if not known",
    )
    previous_visa_issue_date: IsoDate | None = Field(None, description="Empty when there was none")
    previous_visa_expiry_date: IsoDate | None = Field(None, description="Empty when there was none")
    ever_refused_us_visa: YesNo | None = Field(None, description="yes/no: ever refused a U.S. visa")
    previous_visa_lost_or_stolen: YesNo | None = Field(
        None, description="yes/no: a U.S. visa ever lost, stolen, cancelled or revoked"
    )

    @property
    def had_previous_visa(self) -> bool | None:
        """True: a previous U.S. visa of previous_visa_class; False: none; None: not known."""
        if self.previous_visa_class is None:
            return None
        return self.previous_visa_class != NO_PREVIOUS_VISA

    def unknown_facts(self) -> list[str]:
        """The facts left empty (the waiver questions that need them cannot be answered)."""
        facts = ["previous_visa_class", "ever_refused_us_visa", "previous_visa_lost_or_stolen"]
        if self.had_previous_visa:
            facts += ["previous_visa_issue_date", "previous_visa_expiry_date"]
        return [f for f in facts if getattr(self, f) is None]


class Account(_Model):
    """The portal account (Azure B2C). Password and answers are keyring secrets, never here."""

    username: Username
    email: Email | None = Field(None, description="Sign-up e-mail; defaults to the primary's e-mail")
    security_questions: SecurityQuestions
    exists: bool = Field(False, description="true: sign in; false: sign up first")


class Applicant(_Model):
    """One applicant, with every field of the portal's Applicant Details and later pages."""

    id: Slug = Field(description="Stable slug; prefixes the keyring entries and report keys")
    surname: LatinName = Field(description="Last name, capitals, as in the passport")
    given_name: LatinName = Field(description="First name(s), capitals, as in the passport")
    gender: GenderChoice
    birth_date: IsoDate
    country_of_birth: Country
    nationality: Country
    national_id: Annotated[
        str, BeforeValidator(_text_from_number), StringConstraints(strip_whitespace=True, min_length=1, max_length=30),
        AfterValidator(_check_printable),
    ]
    home_phone: Phone
    mobile_phone: Phone
    email: Email
    contact_email: Email | None = Field(None, description="Defaults to email")
    preferred_language: LanguageChoice = "zh-CN"
    mailing: MailingAddress
    passport: Passport
    visa: VisaOptions
    ds160_number: Ds160Number
    delivery: Delivery | None = None
    travel_history: TravelHistory | None = Field(
        None, description="Facts for the Interview Waiver questions (categories that offer waivers)"
    )

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.given_name}"

    @property
    def birth_date_portal(self) -> str:
        return portal_date(self.birth_date)

    @property
    def effective_contact_email(self) -> str:
        return self.contact_email or self.email

    def age_on(self, day: date) -> int:
        """Completed years on ``day``."""
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class Primary(Applicant):
    """The applicant who owns the portal account and adds the dependents."""

    account: Account
    delivery: Delivery  # required: dependents inherit it


class Dependent(Applicant):
    relation: RelationChoice


class Group(_Model):
    """A delegation (or a single applicant): what one run fills."""

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_check_printable)
    ]
    post: PostChoice
    travel_date: IsoDate
    primary: Primary
    dependents: list[Dependent] = Field(default_factory=list, max_length=30)

    @property
    def applicants(self) -> list[Applicant]:
        return [self.primary, *self.dependents]

    @property
    def travel_date_portal(self) -> str:
        return portal_date(self.travel_date)

    @property
    def account_email(self) -> str:
        return self.primary.account.email or self.primary.email

    def delivery_for(self, applicant: Applicant) -> Delivery:
        """A dependent without its own delivery uses the primary's."""
        return applicant.delivery or self.primary.delivery

    def applicant(self, applicant_id: str) -> Applicant:
        for a in self.applicants:
            if a.id == applicant_id:
                return a
        raise KeyError(applicant_id)


# --- pydantic errors -> problems ----------------------------------------------------------

_GENERIC_FIX = {
    "missing": "add this field",
    "extra_forbidden": "remove it or correct its spelling (see `ustd profiles schema` or profiles/README.md)",
    "string_too_short": "fill it in",
    "string_type": "write it as text",
    "bool_parsing": "write yes or no",
    "bool_type": "write yes or no",
    "list_type": "write a list",
    "model_type": "write a mapping of fields",
    "model_attributes_type": "write a mapping of fields",
    "dict_type": "write a mapping of fields",
    "too_short": "give the required number of items",
    "too_long": "give fewer items",
}


def _literal_fix(err: dict[str, Any]) -> str:
    options = re.findall(r"'((?:[^']|'(?! or |, |$))*)'", str(err.get("ctx", {}).get("expected", "")))
    value = err.get("input")
    if isinstance(value, str) and options:
        by_case = {o.lower(): o for o in options}
        guess = by_case.get(value.strip().lower()) or next(
            iter(difflib.get_close_matches(value, options, 1)), None
        )
        if guess:
            return f"did you mean {guess}?"
    return "choose one of the listed values"


def validation_problems(exc: ValidationError, prefix: Path = ()) -> list[Problem]:
    """Turn pydantic's errors into Problems with field paths (no locations yet)."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        path = prefix + tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        kind = err["type"]
        message = err["msg"]
        if kind == "ustd":
            fix = str(err.get("ctx", {}).get("fix", ""))
        elif kind == "literal_error":
            fix = _literal_fix(err)
        elif kind in ("string_too_short", "too_short") and err.get("input") == "":
            message, fix = "is empty", "fill it in"
        elif kind == "missing":
            message = "is required"
            fix = _GENERIC_FIX[kind]
        elif kind == "extra_forbidden":
            message = "is not a known field"
            fix = _GENERIC_FIX[kind]
        else:
            fix = _GENERIC_FIX.get(kind, "")
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        out.append(Problem(message=message, fix=fix, path=path))
    return out
