"""StreamField blocks shared by every section's pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    link_text = blocks.CharBlock(label=_("button text"), max_length=60)

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action_block.html"
        description = _("A short appeal with one button")
        preview_value = {"heading": "Agissez maintenant", "link_text": "Signer"}


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=160)
    text = blocks.TextBlock(label=_("text"), required=False)
    image = ImageBlock(label=_("image"), required=False)
    page = blocks.PageChooserBlock(label=_("button target"), required=False)
    link_text = blocks.CharBlock(label=_("button text"), max_length=60, required=False)

    class Meta:
        icon = "image"
        template = "blocks/hero_block.html"
        description = _("The large opening banner of a page")
        preview_value = {"heading": "Agissez dès maintenant pour sauver des vies"}


class FeaturedActionsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    pages = blocks.ListBlock(blocks.PageChooserBlock(), label=_("actions"))

    class Meta:
        icon = "list-ul"
        template = "blocks/featured_actions_block.html"
        description = _("Cards linking to petitions, letters or donation pages")
        preview_value = {"heading": "Nos actions", "pages": []}


class ImpactFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("figure"), max_length=30, required=False, help_text=_("e.g. 5 828 323"))
    count_actions = blocks.BooleanBlock(
        label=_("show the live count of actions taken on this site instead"), required=False
    )
    # Figures that other apps count (home.actions.LIVE_FIGURES_HOOK): members and local groups.
    live_figure = blocks.ChoiceBlock(
        label=_("or show this live figure of the section"),
        choices=[("members", _("its members")), ("groups", _("its local groups"))],
        required=False,
    )
    label = blocks.CharBlock(label=_("label"), max_length=120)


class ImpactFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    figures = blocks.ListBlock(ImpactFigureBlock(), label=_("figures"))

    class Meta:
        icon = "order"
        template = "blocks/impact_figures_block.html"
        description = _("A row of key numbers")
        preview_value = {"heading": "Nos victoires", "figures": [{"figure": "5 828 323", "label": "actions"}]}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False)
    credit = blocks.CharBlock(label=_("credit"), required=False)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        description = _("An image with caption and credit")


class PressContactBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), default="Contact presse")
    text = blocks.TextBlock(label=_("text"), required=False)
    phone = blocks.CharBlock(label=_("phone"), required=False)
    phone_out_of_hours = blocks.CharBlock(label=_("phone (evenings and weekends)"), required=False)
    email = blocks.EmailBlock(label=_("email"), required=False)

    class Meta:
        icon = "mail"
        template = "blocks/press_contact_block.html"
        description = _("Who journalists can call; empty fields use the section's press details")
        preview_value = {"heading": "Contact presse", "phone": "+33 1 53 38 66 00"}


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        description = _("A quotation with its speaker")


class MenuLinkBlock(blocks.StructBlock):
    """One link of a menu: a page of the section (in the visitor's language) or another address."""

    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("or another address"), required=False)
    text = blocks.CharBlock(
        label=_("link text"),
        max_length=80,
        required=False,
        help_text=_("Leave empty to use the page's title. Required for another address."),
    )

    class Meta:
        icon = "link"
        label = _("link")

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if not value.get("page") and not value.get("url"):
            errors["page"] = ValidationError(_("Choose a page or enter an address."))
        if value.get("url") and not value.get("page") and not value.get("text"):
            errors["text"] = ValidationError(_("Give the link to another address a text."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class BodyBlock(blocks.StreamBlock):
    """Blocks available in the body of every content page."""

    heading = blocks.CharBlock(
        label=_("heading"), form_classname="title", icon="title", template="blocks/heading_block.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("paragraph"), features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    press_contact = PressContactBlock()


class HomeBodyBlock(BodyBlock):
    hero = HeroBlock()
    featured_actions = FeaturedActionsBlock()
    impact_figures = ImpactFiguresBlock()
