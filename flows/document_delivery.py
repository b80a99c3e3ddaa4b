"""Document Delivery: premium delivery to a Chinese address, or a pickup location."""

from __future__ import annotations

from assistant.portal_forms import DeliveryForm
from flows import _fields as f
from flows._base import PortalPage
from flows._locate import Field, choose, tick, type_text

OPTION_LABELS = {
    "zh-CN": {"Premium Delivery": "高级递送", "Premium Location": "高级取件点", "Pick Up": "自取"},
    "en-US": {"Premium Delivery": "Premium Delivery", "Premium Location": "Premium Location", "Pick Up": "Pick Up"},
}


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
            choose(self.page, f.PICKUP_LOCATION, form.pickup_location)
            filled[f.PICKUP_LOCATION.id] = form.pickup_location
        return filled

    def submit(self) -> None:
        self.press_and_wait(self.button("NextButton", "Next", "下一步"))
