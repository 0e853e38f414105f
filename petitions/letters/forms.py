"""Visitors' forms: the letter to generate, "I have sent my letter", and a message of solidarity."""

import hashlib

from django import forms
from django.core import signing
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sections.texts import section_texts
from supporters.captcha import SpamProtectedForm
from supporters.fields import OUTCOME_NEWS_LABEL, NameField
from supporters.proof_of_work import ProofOfWorkField
from supporters.validators import validate_name

from . import text
from .models import SolidarityMessage

SENT_SALT = "letters.sent"
# In a partner's frame the proof is all there is (no session: browsers withhold cookies from other
# sites' frames), so it has its own salt and a lifetime (views.EMBED_SENT_MAX_AGE).
EMBED_SENT_SALT = "letters.embed-sent"


def letter_token(letter, salt=SENT_SALT):
    """The signed proof, handed to the browser that generated `letter`, that lets it say the letter was sent."""
    return signing.dumps(str(letter.token), salt=salt, compress=False)


def token_value(token, salt=SENT_SALT, max_age=None):
    """The letter's token inside a signed proof, or None when it was forged or mangled.

    A proof older than `max_age` seconds raises signing.SignatureExpired.
    """
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None


class PlainTextMixin(SpamProtectedForm):
    """Normalises every text field and checks it can be printed; the captcha gets the section's settings."""

    def __init__(self, *args, section=None, captcha_action="letters", **kwargs):
        super().__init__(*args, **kwargs)
        self.add_spam_protection(section, captcha_action)

    def full_clean(self):
        super().full_clean()
        # Screen readers announce a field's errors (and its help) when the field gets focus.
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_errors"]
                if bound.help_text:
                    described.insert(0, f"{bound.auto_id}_helptext")
                bound.field.widget.attrs["aria-describedby"] = " ".join(described)

    def _clean_text(self, name, check):
        value = text.normalise(self.cleaned_data.get(name, "")).strip()
        return check(value) if value else value


class LetterForm(PlainTextMixin, forms.Form):
    # Autocomplete tokens let browsers fill in what a visitor typed before (WCAG 1.3.5).
    first_name = NameField(label=_("First name"), max_length=60, autocomplete="given-name")
    last_name = NameField(label=_("Last name"), max_length=60, autocomplete="family-name")
    town = forms.CharField(
        label=_("Town"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    country = forms.CharField(
        label=_("Country"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "country-name"})
    )
    language = forms.ChoiceField(
        label=_("Language of the letter"),
        error_messages={
            "invalid_choice": _(
                "This letter is not offered in that language. Please choose one from the list."
            )
        },
    )
    personal_paragraph = forms.CharField(
        label=_("Your own paragraph (optional)"),
        required=False,
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "A few sentences in your own words, printed before the closing. Plain text, at most 12 lines."
        ),
    )
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        max_length=254,
        help_text=_("Fill this in to receive the letter as a PDF by email as well."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label="",
        error_messages={"required": _("Please agree, or we cannot prepare your letter.")},
    )
    newsletter = forms.BooleanField(label="", required=False)
    # News of what this action achieves (petitions.outcomes): off unless ticked; needs the email.
    outcome_news = forms.BooleanField(label=OUTCOME_NEWS_LABEL, required=False)

    def __init__(self, *args, page, section, **kwargs):
        super().__init__(*args, section=section, captcha_action="letter", **kwargs)
        self.fields["language"].choices = page.language_choices()
        self.fields["language"].initial = page.locale.language_code
        # The page's language, whatever the admin's or the browser's.
        texts = section_texts(section.site_id, page.locale.language_code) if section else None
        self.consent_wording = texts.consent_text.strip() if texts else ""
        self.newsletter_wording = texts.newsletter_consent_text.strip() if texts else ""
        self.fields["country"].initial = texts.country if texts else ""
        self.fields["consent"].label = self.consent_wording
        self.fields["newsletter"].label = self.newsletter_wording
        with translation.override(page.locale.language_code):
            self.outcome_news_wording = str(OUTCOME_NEWS_LABEL)
        if not self.newsletter_wording:
            del self.fields["newsletter"]

    # What makes two submissions one letter: the same words from the same person.
    LETTER_FIELDS = ("first_name", "last_name", "town", "country", "language", "personal_paragraph", "email")

    @property
    def attempt(self):
        """This filling of the form: the proof of work it was sent with (the widget solves a new challenge
        for each letter), as a hash; None without one (JavaScript off, or a reCAPTCHA section).

        The same form sent again (a double click, or a retry after an answer that never came) carries
        the same proof of work: it finds the letter it made instead of making a second."""
        solution = self.cleaned_data.get("captcha")
        if not (solution and isinstance(self.fields.get("captcha"), ProofOfWorkField)):
            return None
        return hashlib.sha256(f"letter:{solution[0]}".encode()).hexdigest()

    def proof_of_work_owner(self):
        # The same letter sent again may use its proof of work again (the attempt then finds its letter);
        # anything else written with it is refused. Hashed before it is kept (proof_of_work.claim).
        return "\n".join(str(self.cleaned_data.get(name, "")) for name in self.LETTER_FIELDS)

    def same_letter(self, letter):
        """Whether the stored `letter` holds what this form says (its writer's names and places)."""
        data = self.cleaned_data
        return all(
            getattr(letter, name) == data[name] for name in ("first_name", "last_name", "town", "country")
        )

    def clean_first_name(self):
        return self._clean_text("first_name", text.check_name)

    def clean_last_name(self):
        return self._clean_text("last_name", text.check_name)

    def clean_town(self):
        return self._clean_text("town", text.check_place)

    def clean_country(self):
        return self._clean_text("country", text.check_place)

    def clean_personal_paragraph(self):
        return self._clean_text("personal_paragraph", lambda value: text.check_paragraph(value, 12))

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("newsletter") or cleaned.get("outcome_news")) and not cleaned.get("email"):
            self.add_error("email", _("Please give your email address to receive news."))
        return cleaned


class SentForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)


class MessageForm(PlainTextMixin, forms.ModelForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that my message, name and town are delivered and may be shown on this page once approved."
        ),
        error_messages={"required": _("Please agree, or we cannot pass on your message.")},
    )

    class Meta:
        model = SolidarityMessage
        fields = ["author_name", "town", "text"]
        labels = {
            "author_name": _("Your first name"),
            "town": _("Town (optional)"),
            "text": _("Your message"),
        }
        widgets = {
            "author_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "text": forms.Textarea(attrs={"rows": 4, "maxlength": SolidarityMessage.MAX_LENGTH}),
        }
        help_texts = {"text": _("At most 500 characters. Every message is read before it is delivered.")}

    def __init__(self, *args, section=None, **kwargs):
        super().__init__(*args, section=section, captcha_action="message", **kwargs)
        self.fields["text"].max_length = SolidarityMessage.MAX_LENGTH
        self.fields["author_name"].validators.append(validate_name)

    def clean_author_name(self):
        return self._clean_text("author_name", text.check_name)

    def clean_town(self):
        return self._clean_text("town", text.check_place)

    def clean_text(self):
        return self._clean_text("text", lambda value: text.check_paragraph(value, 10))
