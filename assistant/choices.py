"""The portal's fixed choices, defined once.

The mock portal renders exactly these option texts and the flows choose options by their visible
text, so a value that is valid here is a value the portal's select will accept.
"""

from __future__ import annotations

from typing import Literal, get_args

Post = Literal[
    "Beijing",
    "Beijing OFC",
    "Shanghai",
    "Shanghai OFC",
    "Guangzhou",
    "Guangzhou OFC",
    "Shenyang",
    "Shenyang OFC",
    "Wuhan",
    "Wuhan OFC",
]
POSTS: tuple[str, ...] = get_args(Post)

VISA_TYPE = "Non-immigrant"
"""The only visa type the non-immigrant appointment flow offers."""

Priority = Literal["Regular", "Emergency"]
PRIORITIES: tuple[str, ...] = get_args(Priority)

CLASSES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "All Others": (
        "G5", "A3", "J", "E1", "E2", "T-2", "T-3", "T-4", "T-5", "B1", "B1/B2", "B2", "TD", "TN",
        "C-1", "E3", "E-2C", "CW-1", "CW-2", "U-1", "U-2", "U-3", "U-4", "U-5",
    ),
    "Diplomats and Government Officials": ("A-1", "A-2", "C-3", "G-1", "G-2", "G-3", "G-4"),
    "Students and Exchange Visitors": ("F-1", "F-2", "J-1", "J-2", "M-1", "M-2"),
    "Petition-Based Temporary Workers": (
        "H-1B", "H-2A", "H-2B", "H-3", "H-4", "L-1", "L-2", "O-1", "O-2", "O-3", "P-1", "P-2",
        "P-3", "Q-1", "R-1", "R-2",
    ),
}  # fmt: skip

VisaCategory = Literal[
    "All Others",
    "Diplomats and Government Officials",
    "Students and Exchange Visitors",
    "Petition-Based Temporary Workers",
]
VISA_CATEGORIES: tuple[str, ...] = get_args(VisaCategory)

VisaClass = Literal[
    "G5", "A3", "J", "E1", "E2", "T-2", "T-3", "T-4", "T-5", "B1", "B1/B2", "B2", "TD", "TN",
    "C-1", "E3", "E-2C", "CW-1", "CW-2", "U-1", "U-2", "U-3", "U-4", "U-5",
    "A-1", "A-2", "C-3", "G-1", "G-2", "G-3", "G-4",
    "F-1", "F-2", "J-1", "J-2", "M-1", "M-2",
    "H-1B", "H-2A", "H-2B", "H-3", "H-4", "L-1", "L-2", "O-1", "O-2", "O-3", "P-1", "P-2",
    "P-3", "Q-1", "R-1", "R-2",
]  # fmt: skip
VISA_CLASSES: tuple[str, ...] = get_args(VisaClass)

Gender = Literal["Male", "Female"]
GENDERS: tuple[str, ...] = get_args(Gender)

Relation = Literal["Spouse", "Child", "Parent", "Other"]
RELATIONS: tuple[str, ...] = get_args(Relation)

DeliveryOption = Literal["Premium Delivery", "Premium Location", "Pick Up"]
DELIVERY_OPTIONS: tuple[str, ...] = get_args(DeliveryOption)
PREMIUM_DELIVERY = "Premium Delivery"

PickupLocation = Literal["Beijing", "Guangzhou", "Shanghai", "Shenyang", "Wuhan"]
PICKUP_LOCATIONS: dict[str, str] = {
    "Beijing": "Beijing - 1F, Bldg E, No 8, Fuhua Mansion, Chaoyangmen North Street, Beijing",
    "Guangzhou": "Guangzhou - 300A, F3, CITIC PLAZA Zhongtian Shopping Plaza, 233 North Tianhe Road, Guangzhou, Guangdong",
    "Shanghai": "Shanghai - Pacific Plaza, GF, No 1168 Nanjing West Rd, Shanghai",
    "Shenyang": "Shenyang - Branch Office, 336, Daxi Road, Shenhe District, Shenyang, Liaoning",
    "Wuhan": "Wuhan - No. 2 Nanjing Road, Jiang'an District, Wuhan, Hubei",
}
"""The five free CITIC pickup locations of walkthrough step 11, keyed by city."""

Language = Literal["zh-CN", "en-US"]
LANGUAGES: tuple[str, ...] = get_args(Language)
LANGUAGE_LABELS: dict[str, str] = {"zh-CN": "中文(中国)", "en-US": "English"}
"""What the portal's preferred-language select shows for each language code."""

SecurityQuestion = Literal[
    "What is your mother's maiden name?",
    "What is the name of the road/street you grew up on?",
    "What was the name of your first pet?",
    "In what city were you born?",
    "What was the name of your elementary school?",
    "What is your favorite book?",
    "What was the make of your first car?",
    "What is your father's middle name?",
]
SECURITY_QUESTIONS: tuple[str, ...] = get_args(SecurityQuestion)

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

COUNTRIES: tuple[str, ...] = (
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Antigua and Barbuda", "Argentina",
    "Armenia", "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh",
    "Barbados", "Belarus", "Belgium", "Belize", "Benin", "Bhutan", "Bolivia",
    "Bosnia and Herzegovina", "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso",
    "Burma", "Burundi", "Cambodia", "Cameroon", "Canada", "Cabo Verde",
    "Central African Republic", "Chad", "Chile", "China", "Colombia", "Comoros",
    "Congo, Democratic Republic of the", "Congo, Republic of the", "Costa Rica",
    "Cote d'Ivoire", "Croatia", "Cuba", "Cyprus", "Czech Republic", "Denmark", "Djibouti",
    "Dominica", "Dominican Republic", "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea",
    "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji", "Finland", "France", "Gabon",
    "Gambia", "Georgia", "Germany", "Ghana", "Greece", "Grenada", "Guatemala", "Guinea",
    "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hong Kong", "Hungary", "Iceland", "India",
    "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Jamaica", "Japan", "Jordan",
    "Kazakhstan", "Kenya", "Kiribati", "Korea, North", "Korea, South", "Kosovo", "Kuwait",
    "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Liechtenstein",
    "Lithuania", "Luxembourg", "Macau", "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali",
    "Malta", "Marshall Islands", "Mauritania", "Mauritius", "Mexico", "Micronesia", "Moldova",
    "Monaco", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Namibia", "Nauru", "Nepal",
    "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria", "North Macedonia", "Norway",
    "Oman", "Pakistan", "Palau", "Panama", "Papua New Guinea", "Paraguay", "Peru",
    "Philippines", "Poland", "Portugal", "Qatar", "Romania", "Russia", "Rwanda",
    "Saint Kitts and Nevis", "Saint Lucia", "Saint Vincent and the Grenadines", "Samoa",
    "San Marino", "Sao Tome and Principe", "Saudi Arabia", "Senegal", "Serbia", "Seychelles",
    "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Solomon Islands", "Somalia",
    "South Africa", "South Sudan", "Spain", "Sri Lanka", "Sudan", "Suriname", "Sweden",
    "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania", "Thailand", "Timor-Leste",
    "Togo", "Tonga", "Trinidad and Tobago", "Tunisia", "Turkey", "Turkmenistan", "Tuvalu",
    "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom", "United States", "Uruguay",
    "Uzbekistan", "Vanuatu", "Vatican City", "Venezuela", "Vietnam", "Yemen", "Zambia",
    "Zimbabwe",
)  # fmt: skip
"""English country names accepted for country of birth and nationality."""
