"""Document Delivery: premium delivery to a Chinese address, or a pickup location."""

from __future__ import annotations

from assistant.portal_forms import DeliveryForm
from flows import _fields as f
from flows._base import PortalPage
from flows._locate import Field, choose, tick, type_text

OPTION_LABELS = {
    "zh-CN": {"Premium Delivery": "付费送件上门", "Premium Location": "付费网点取件", "Pick Up": "免费自取"},
    "en-US": {"Premium Delivery": "Premium Delivery", "Premium Location": "Premium Location", "Pick Up": "Pick Up"},
}


# The five CITIC locations are an option set: the Chinese page shows the walkthrough's Chinese text.
PICKUP_LABELS_ZH = {
    "Beijing": "北京-北京朝阳门外大街8号富华大厦E座1层",
    "Guangzhou": "广州-广州市天河区天河北路233号中信广场中天购物城F3层300A",
    "Shanghai": "上海-上海市南京西路1168号中信泰富广场GF",
    "Shenyang": "沈阳-沈阳市沈河区大西路336号",
    "Wuhan": "武汉-湖北省武汉市江岸区南京路2号",
}


def pickup_label(english: str, locale: str) -> str:
    """The pickup location's text as the page shows it in ``locale``."""
    if locale != "zh-CN":
        return english
    city = english.split(" - ", 1)[0]
    return PICKUP_LABELS_ZH.get(city, english)


class DocumentDeliveryPage(PortalPage):
    name = "document_delivery"
    path = "document_delivery"

    def fill(self, form: DeliveryForm, locale: str) -> dict[str, str]:
        zh = OPTION_LABELS["zh-CN"][form.option]
        en = OPTION_LABELS["en-US"][form.option]
        tick(self.page, Field("atlas_delivery_option", en, zh))
        filled = {"atlas_delivery_option": form.option}
        if form.option == "Premium Delivery":
            for field, value in (
                (f.DELIVERY_STREET, form.street),
                (f.DELIVERY_STREET2, form.street2),
                (f.DELIVERY_STREET3, form.street3),
                (f.DELIVERY_CITY, form.city),
                (f.DELIVERY_STATE, form.state),
                (f.DELIVERY_POSTAL_CODE, form.postal_code),
            ):
                type_text(self.page, field, value)
                filled[field.id] = value
            choose(self.page, f.DELIVERY_COUNTRY, form.country)
            filled[f.DELIVERY_COUNTRY.id] = form.country
        else:
            choose(self.page, f.PICKUP_LOCATION, pickup_label(form.pickup_location, locale))
            filled[f.PICKUP_LOCATION.id] = form.pickup_location
        return filled

    def submit(self) -> None:
        self.press_and_wait(self.button("NextButton", "Next", "下一步"))
