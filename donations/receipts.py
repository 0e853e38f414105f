"""Tax papers for donors: French tax receipts (reçus fiscaux, Cerfa 11580), numbered once per successful
payment and printed in French, their yearly summary, and yearly attestations in the donor's language.

A receipt is issued in the transaction of the webhook that records the payment: its number comes from the
section's `ReceiptCounter` row, locked until that transaction ends, so numbers follow one another with no
gap and none twice, even when the transaction rolls back or two deliveries of one payment race (the
second finds the first's receipt; `Receipt.payment` is unique besides).
"""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from num2words import CONVERTER_CLASSES

from petitions.letters.pdf import FONT_DIR, FONTS
from sections.dates import long_date
from sections.models import ReceiptStatus, SectionSettings
from sections.texts import section_texts

from . import money
from .models import DonationMethod, Payment, PaymentMethod, PaymentStatus, Receipt, ReceiptCounter

# The receipt is a French document whatever the donor's language.
RECEIPT_LANGUAGE = "fr"

# Currency names num2words' French lacks (it knows EUR): singular and plural of the unit, then of the cents.
CURRENCY_FORMS = {
    "CHF": (("franc suisse", "francs suisses"), ("centime", "centimes")),
    "XOF": (("franc CFA", "francs CFA"), ("centime", "centimes")),
}


def amount_in_words(minor, currency):
    """The amount as a French receipt writes it in letters: "cinquante euros", "vingt et un euros et cinq centimes"."""
    words = CONVERTER_CLASSES[RECEIPT_LANGUAGE]
    unit, cent = words.CURRENCY_FORMS.get(currency) or CURRENCY_FORMS[currency]
    units, cents = divmod(minor, 10 ** money.exponent(currency))
    text = f"{words.to_cardinal(units)} {words.pluralize(units, unit)}"
    if cents:
        text += f" et {words.to_cardinal(cents)} {words.pluralize(cents, cent)}"
    return text


def issue_receipt(payment):
    """The receipt of `payment`, issued now if its section issues tax receipts and it has none yet; else None.

    Call it inside the transaction that records the payment: the receipt and its number are kept only
    if that transaction commits.
    """
    if payment.status != PaymentStatus.SUCCEEDED:
        return None
    site = payment.donation.site
    section = SectionSettings.for_site(site)
    if not section.tax_receipts:
        return None
    existing = Receipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing  # a later event about a payment already receipted: no lock needed
    with transaction.atomic():
        # The counter row exists once (ON CONFLICT DO NOTHING), then is locked: every receipt of the
        # section is numbered one after the other, and the check below sees any receipt committed meanwhile.
        ReceiptCounter.objects.bulk_create([ReceiptCounter(site=site)], ignore_conflicts=True)
        counter = ReceiptCounter.objects.select_for_update().get(site=site)
        existing = Receipt.objects.filter(payment=payment).first()
        if existing is not None:
            return existing
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return Receipt.objects.create(
            site=site,
            payment=payment,
            number=counter.last_number,
            created_at=timezone.now(),
            paid_at=payment.occurred_at,
            amount=payment.amount,
            currency=payment.currency,
            # A SEPA Direct Debit is a prélèvement; every other way to pay through Stripe is a card's mention.
            method=PaymentMethod.DIRECT_DEBIT
            if payment.donation.method == DonationMethod.SEPA_DEBIT
            else PaymentMethod.CARD,
        )


def cancel_receipt(payment):
    """Cancel the receipt of a payment refunded in full, once; the donor is told after commit.

    The receipt stays in the register with its number (a number is never reused nor renumbered); its PDF
    then says it is cancelled, and the yearly summary leaves it out. Returns the receipt, or None.
    """
    from .emails import send_receipt_cancelled

    receipt = Receipt.objects.select_for_update().filter(payment=payment).first()
    if receipt is None or receipt.cancelled_at is not None:
        return receipt
    receipt.cancelled_at = timezone.now()
    receipt.save(update_fields=["cancelled_at"])
    transaction.on_commit(lambda: send_receipt_cancelled.enqueue(receipt.pk))
    return receipt


def filename(receipt):
    return f"recu-fiscal-{receipt.reference}.pdf"


# The mentions of the Cerfa 11580 model, in French: the receipt is a French tax document.
STATUS_MENTIONS = {
    ReceiptStatus.GENERAL_INTEREST: "Œuvre ou organisme d'intérêt général",
    ReceiptStatus.PUBLIC_UTILITY: "Association ou fondation reconnue d'utilité publique",
}
METHOD_MENTIONS = {
    PaymentMethod.CARD: "Carte bancaire",
    PaymentMethod.DIRECT_DEBIT: "Prélèvement",
    PaymentMethod.TRANSFER: "Virement",
}
FAMILY = "ReceiptSerif"


class _Document:
    """An A4 page in the letters' fonts, with the headings and lines receipts are made of."""

    def __init__(self, title, language=RECEIPT_LANGUAGE):
        from fpdf import FPDF

        self.pdf = pdf = FPDF(format="A4", unit="mm")
        for style in ("", "B"):
            pdf.add_font(FAMILY, style=style, fname=FONT_DIR / FONTS[style])
        pdf.set_margins(20, 20, 20)
        pdf.set_auto_page_break(True, margin=20)
        pdf.set_creator("Plaidoyer")
        pdf.set_lang(language)
        pdf.set_title(title)
        pdf.add_page()

    def heading(self, text):
        self.pdf.ln(4)
        self.pdf.set_font(FAMILY, "B", 11)
        self.pdf.set_fill_color(235)
        self.pdf.cell(0, 7, text, fill=True, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)

    def line(self, text, style="", size=10):
        self.pdf.set_font(FAMILY, style, size)
        self.pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    def organisation(self, section, texts, heading="Organisme bénéficiaire"):
        self.heading(heading)
        self.line(texts.entity, "B")
        for address_line in texts.postal_address.splitlines():
            if address_line.strip():
                self.line(address_line.strip())

    def donor(self, donation, heading="Donateur"):
        self.heading(heading)
        self.line(donation.full_name or "—", "B")
        if donation.address_line:
            self.line(donation.address_line)
        town = f"{donation.postal_code} {donation.city}".strip()
        if town:
            self.line(town)
        if donation.country:
            self.line(donation.country)

    def output(self):
        return bytes(self.pdf.output())


def receipt_pdf(receipt):
    """The receipt as PDF bytes, in French."""
    section = SectionSettings.for_site(receipt.site)
    texts = section_texts(receipt.site, RECEIPT_LANGUAGE)
    donation = receipt.payment.donation
    with translation.override(RECEIPT_LANGUAGE), timezone.override(section.zone):
        paid_on = long_date(receipt.paid_at, RECEIPT_LANGUAGE)
        issued_on = long_date(receipt.created_at, RECEIPT_LANGUAGE)
        figures = money.format_amount(receipt.amount, receipt.currency)

    document = _Document(f"Reçu fiscal n° {receipt.reference}")
    pdf, heading, line = document.pdf, document.heading, document.line

    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(
        0, 7, "Reçu au titre des dons à certains organismes d'intérêt général", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(0, 5, "Articles 200 et 238 bis du code général des impôts (CGI)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 8, f"Numéro d'ordre du reçu : {receipt.reference}", new_x="LMARGIN", new_y="NEXT")
    if receipt.cancelled_at:
        with timezone.override(section.zone):
            cancelled_on = long_date(receipt.cancelled_at, RECEIPT_LANGUAGE)
        line(f"REÇU ANNULÉ le {cancelled_on} : le don a été remboursé.", "B", 12)

    document.organisation(section, texts)
    pdf.ln(1.5)
    line(f"Objet : {section.receipt_object.strip()}")
    status = STATUS_MENTIONS[section.receipt_status]
    if section.receipt_status == ReceiptStatus.PUBLIC_UTILITY and section.receipt_recognition:
        status = f"{status} {section.receipt_recognition.strip()}"
    line(f"Statut : {status}")

    document.donor(donation)

    heading("Don")
    line(
        "Le bénéficiaire reconnaît avoir reçu au titre des dons et versements ouvrant droit à réduction "
        "d'impôt la somme de :"
    )
    pdf.ln(1)
    line(figures, "B", 12)
    line(f"Somme en toutes lettres : {amount_in_words(receipt.amount, receipt.currency)}")
    line(f"Date du versement : {paid_on}")
    pdf.ln(1.5)
    line(
        "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent droit à "
        "la réduction d'impôt prévue aux articles 200 et 238 bis du code général des impôts."
    )
    pdf.ln(1.5)
    line("Forme du don : Déclaration de don manuel")
    line("Nature du don : Numéraire")
    line(f"Mode de versement : {METHOD_MENTIONS[receipt.method]}")

    pdf.ln(6)
    line(f"Fait le {issued_on}")
    if section.receipt_signatory:
        line(section.receipt_signatory.strip())
    line(texts.entity)
    return document.output()


def payment_receipt_filename(payment):
    return f"recu-don-{payment.pk}.pdf"


def payment_receipt_pdf(payment):
    """A receipt for one payment as PDF bytes, in French, where the section attaches one (Togo): it says
    that the gift was received, and that it is not a tax receipt. It has no number of its own: its
    reference is the payment's (PayGate's transaction for mobile money)."""
    donation = payment.donation
    section = SectionSettings.for_site(donation.site)
    texts = section_texts(donation.site, RECEIPT_LANGUAGE)
    mobile = getattr(donation, "mobile_money", None)
    if mobile is not None:
        network = {"TMONEY": "T-Money", "FLOOZ": "Flooz"}.get(mobile.network, mobile.network)
        method, reference = f"Mobile money ({network})", mobile.tx_reference or str(payment.pk)
    else:
        method, reference = METHOD_MENTIONS[PaymentMethod.CARD], payment.stripe_charge_id or str(payment.pk)
    with translation.override(RECEIPT_LANGUAGE), timezone.override(section.zone):
        paid_on = long_date(payment.occurred_at, RECEIPT_LANGUAGE)
        issued_on = long_date(None, RECEIPT_LANGUAGE)
        figures = money.format_amount(payment.amount, payment.currency)

    document = _Document("Reçu de don")
    pdf, line = document.pdf, document.line
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, "Reçu de don", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(0, 5, f"Référence du paiement : {reference}", new_x="LMARGIN", new_y="NEXT")
    document.organisation(section, texts)
    document.donor(donation)
    document.heading("Don")
    line(
        f"{texts.entity} reconnaît avoir reçu de {donation.full_name or 'la personne donatrice'} la somme de :"
    )
    pdf.ln(1)
    line(figures, "B", 12)
    line(f"Somme en toutes lettres : {amount_in_words(payment.amount, payment.currency)}")
    line(f"Date du versement : {paid_on}")
    line(f"Mode de versement : {method}")
    if donation.designation:
        line(f"Affectation : {donation.designation_label}")
    pdf.ln(3)
    line(
        "Ce reçu atteste de votre don. Ce n'est pas un reçu fiscal : il n'ouvre droit à aucune réduction d'impôt."
    )
    line("Merci de votre soutien.")
    pdf.ln(4)
    line(f"Fait le {issued_on}")
    line(texts.entity)
    return document.output()


def receipts_of_year(site, year, supporter_id=None):
    """The section's receipts for gifts made in `year` (in the section's time zone), oldest first; a gift
    refunded in full is left out (its donor may not deduct it). Only one donor's with `supporter_id`."""
    section = SectionSettings.for_site(site)
    donor = {"payment__donation__supporter_id": supporter_id} if supporter_id else {}
    with timezone.override(section.zone):
        return list(
            Receipt.objects.filter(site=site, paid_at__year=year, **donor)
            .exclude(payment__status=PaymentStatus.REFUNDED)
            .select_related("payment__donation")
            .order_by("number")
        )


def summary_pdf(site, year, receipts):
    """A donor's yearly summary of `receipts` (theirs, of one currency) as PDF bytes, in French.

    It lists the numbered receipts and their total; it certifies nothing itself.
    """
    section = SectionSettings.for_site(site)
    texts = section_texts(site, RECEIPT_LANGUAGE)
    currency = receipts[0].currency
    total = sum(receipt.amount for receipt in receipts)
    with translation.override(RECEIPT_LANGUAGE), timezone.override(section.zone):
        rows = [
            (
                receipt.reference,
                long_date(receipt.paid_at, RECEIPT_LANGUAGE),
                money.format_amount(receipt.amount, receipt.currency),
                METHOD_MENTIONS[receipt.method],
            )
            for receipt in receipts
        ]
        figures = money.format_amount(total, currency)
        today = long_date(None, RECEIPT_LANGUAGE)

    document = _Document(f"Récapitulatif {year} des reçus fiscaux")
    pdf, line = document.pdf, document.line
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, f"Récapitulatif {year} de vos reçus fiscaux", new_x="LMARGIN", new_y="NEXT")
    document.organisation(section, texts)
    document.donor(receipts[-1].payment.donation)
    document.heading(f"Vos dons en {year}")
    widths = (35, 50, 40, 45)
    with pdf.table(col_widths=widths, text_align=("LEFT", "LEFT", "RIGHT", "LEFT"), line_height=6) as table:
        pdf.set_font(FAMILY, "", 10)
        table.row(("Reçu n°", "Date du versement", "Montant", "Mode de versement"))
        for row in rows:
            table.row(row)
    pdf.ln(3)
    line(f"Total des dons : {figures}", "B", 11)
    line(f"Somme en toutes lettres : {amount_in_words(total, currency)}")
    pdf.ln(3)
    line(
        "Ce récapitulatif n'est pas un reçu fiscal : chacun des reçus numérotés ci-dessus, joint à l'email "
        "de remerciement de chaque don, en est un. Ensemble, ils justifient le total de vos dons de l'année."
    )
    pdf.ln(4)
    line(f"Fait le {today}")
    line(texts.entity)
    return document.output()


def summary_filename(year):
    return f"recapitulatif-recus-fiscaux-{year}.pdf"


def payments_of_year(site, year, supporter_id=None):
    """The section's payments received in `year` (in the section's time zone) and not refunded in full;
    only one donor's with `supporter_id`."""
    section = SectionSettings.for_site(site)
    donor = {"donation__supporter_id": supporter_id} if supporter_id else {}
    with timezone.override(section.zone):
        return list(
            # A partly refunded payment stays succeeded: its refunded part is taken off below.
            Payment.objects.filter(
                donation__site=site, occurred_at__year=year, status=PaymentStatus.SUCCEEDED, **donor
            )
            .select_related("donation")
            .order_by("occurred_at")
        )


def attestation_pdf(site, year, payments, language):
    """A donor's attestation of `payments` (theirs, of one currency) in `language`, as PDF bytes.

    What a Swiss donor joins to their tax return: who gave how much to whom, in which year.
    """
    section = SectionSettings.for_site(site)
    texts = section_texts(site, language)
    currency = payments[0].currency
    kept = [payment.amount - payment.amount_refunded for payment in payments]
    total = sum(kept)
    donation = payments[-1].donation
    with translation.override(language), timezone.override(section.zone):
        title = gettext("Donation attestation %(year)s") % {"year": year}
        rows = [
            (
                long_date(payment.occurred_at, language),
                money.format_amount(amount, currency),
                payment.donation.get_method_display(),
            )
            for payment, amount in zip(payments, kept, strict=True)
        ]
        headings = (gettext("Date"), gettext("Amount"), gettext("Method"))
        organisation, donor = gettext("Organisation"), gettext("Donor")
        statement = ngettext(
            "%(entity)s confirms that it received from %(donor)s the following gift in %(year)s.",
            "%(entity)s confirms that it received from %(donor)s the following %(count)s gifts in %(year)s.",
            len(payments),
        ) % {"entity": texts.entity, "donor": donation.full_name, "year": year, "count": len(payments)}
        total_line = gettext("Total: %(amount)s") % {"amount": money.format_amount(total, currency)}
        thanks = gettext("Thank you for your support.")
        issued = gettext("Issued on %(date)s") % {"date": long_date(None, language)}

    document = _Document(title, language)
    pdf, line = document.pdf, document.line
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    document.organisation(section, texts, heading=organisation)
    document.donor(donation, heading=donor)
    pdf.ln(4)
    line(statement)
    pdf.ln(2)
    with pdf.table(col_widths=(60, 50, 60), text_align=("LEFT", "RIGHT", "LEFT"), line_height=6) as table:
        pdf.set_font(FAMILY, "", 10)
        table.row(headings)
        for row in rows:
            table.row(row)
    pdf.ln(3)
    line(total_line, "B", 11)
    pdf.ln(3)
    line(thanks)
    pdf.ln(4)
    line(issued)
    line(texts.entity)
    return document.output()


def attestation_filename(year):
    return f"attestation-{year}.pdf"
