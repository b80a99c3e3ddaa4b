"""Every field the flows fill: the real portal's id and its visible label in both locales.

Ids come from portal-dom.md (Dataverse column names and the B2C page's ids); the labels are
the walkthrough's English and the portal's Chinese, used only when an id is not found.
"""

from __future__ import annotations

from flows._locate import Field

# B2C sign-in, sign-up and security questions
SIGN_IN_NAME = Field("signInName", "Username", "用户名")
PASSWORD = Field("password", "Password", "密码")
CAPTCHA = Field("extension_atlasCaptchaResponse", "Captcha Text", "验证码")
NEW_PASSWORD = Field("newPassword", "New Password", "新密码")
REENTER_PASSWORD = Field("reenterPassword", "Confirm New Password", "确认新密码")
EMAIL = Field("email", "Email Address", "电子邮箱地址")
EMAIL_CODE = Field("email_ver_input", "Verification Code", "验证码")
GIVEN_NAME = Field("givenName", "Given Name", "名")
SURNAME = Field("surname", "Surname", "姓")
QUESTIONS = tuple(
    Field(f"extension_kbq{n}", f"Select Security Question {n}", f"选择安全问题 {n}") for n in (1, 2, 3)
)
ANSWERS = tuple(
    Field(f"extension_kba{n}", f"Answer to Security Question {n}", f"安全问题 {n} 的答案") for n in (1, 2, 3)
)

# Profile and the dependent contact page
FIRST_NAME = Field("firstname", "First Name", "名字")
LAST_NAME = Field("lastname", "Last Name", "姓氏")
CONTACT_EMAIL = Field("atlas_emailaddress1", "Contact Email", "联系邮箱")
PREFERRED_LANGUAGE = Field("adx_preferredlanguageid", "Preferred Language", "首选语言")
PROFILE_COUNTRY = Field("atlas_country", "Country", "国家")

# Applicant details (and the dependent applicant page)
RELATION = Field("atlas_relation_to_applicant", "Relationship to Applicant", "与主申请人的关系")
APPLICANT_FIRST_NAME = Field("atlas_first_name", "First Name", "名字")
APPLICANT_LAST_NAME = Field("atlas_last_name", "Last Name", "姓氏")
BIRTH_COUNTRY = Field("atlas_pob_country", "Country of Birth", "出生国家")
GENDER = Field("atlas_gender", "Gender", "性别")
HOME_PHONE_COUNTRY = Field("atlas_home_phone_country_code", "Home Phone Country Code", "住宅电话国家代码")
HOME_PHONE = Field("atlas_home_phone", "Home Phone", "住宅电话")
MOBILE_PHONE_COUNTRY = Field("atlas_mobile_phone_country_code", "Mobile Phone Country Code", "手机国家代码")
MOBILE_PHONE = Field("atlas_mobile_phone", "Mobile Phone", "手机号码")
APPLICANT_EMAIL = Field("atlas_email", "Email", "电子邮箱")
MAILING_STREET = Field("atlas_mailing_street", "Mailing Street", "邮寄地址街道")
MAILING_CITY = Field("atlas_mailing_city", "Mailing City", "邮寄地址城市")
MAILING_STATE = Field("atlas_mailing_state", "Mailing State/Province", "邮寄地址州/省")
MAILING_POSTAL_CODE = Field("atlas_mailing_postal_code", "Mailing Zip/Postal Code", "邮寄地址邮政编码")
PASSPORT_NUMBER = Field("atlas_passport_number", "Passport Number", "护照号码")
PASSPORT_ISSUED = Field("atlas_passport_issuance_date", "Passport Issuance Date (MM/DD/YYYY)", "护照签发日期 (MM/DD/YYYY)")
PASSPORT_PLACE = Field("atlas_passport_place_of_issue", "Passport Place of Issue", "护照签发地点")
PASSPORT_EXPIRES = Field("atlas_passport_expiration_date", "Passport Expiration Date (MM/DD/YYYY)", "护照失效日期 (MM/DD/YYYY)")
BIRTH_DATE = Field("atlas_birthdate", "Birthdate (MM/DD/YYYY)", "出生日期 (MM/DD/YYYY)")
NATIONALITY = Field("atlas_nationality", "Nationality", "国籍")
NATIONAL_ID = Field("atlas_national_id", "National ID Number", "公民身份号码")

# Visa options and additional options
VISA_TYPE = Field("atlas_visa_type", "Visa Type", "签证种类")
POST = Field("atlas_post", "Embassy/Consulate/OFC", "使馆/领事馆/OFC")
CATEGORY = Field("atlas_post_visa_category", "Post Visa Category", "签证类别")
PRIORITY = Field("atlas_visa_priority", "Visa Priority", "签证优先级")
DS160 = Field("atlas_ds_160_confirmation_number", "DS 160 Confirmation Number", "DS-160 确认编号")

# Document delivery
DELIVERY_STREET = Field("DDAddress", "Document Delivery Street", "文件递送街道地址")
DELIVERY_STREET2 = Field("DDAddress2", "Document Delivery Street 2", "文件递送街道地址 2")
DELIVERY_STREET3 = Field("DDAddress3", "Document Delivery Street 3", "文件递送街道地址 3")
DELIVERY_CITY = Field("DDCity", "Document Delivery City", "文件递送城市")
DELIVERY_STATE = Field("DDState", "Document Delivery State", "文件递送省/州")
DELIVERY_POSTAL_CODE = Field("DDPostalCode", "Document Delivery Postal Code", "文件递送邮政编码")
DELIVERY_COUNTRY = Field("document_delivery_country", "Document Delivery Country", "文件递送国家")
PICKUP_LOCATION = Field("atlas_pickup_location", "Pick Up Location", "取件地点")
