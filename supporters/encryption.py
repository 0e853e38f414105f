"""Supporters' personal data encrypted at rest with a key per section, and the keyed hash of their email.

A stolen database (or dump) must reveal nobody, so every personal field is stored as
"<section code>:<Fernet token>": the code tells which section's keys open it, without a query.
Keys come from the environment, named by section code like the other section secrets:

- `PERSONAL_DATA_KEYS_<CODE>`: Fernet keys, comma-separated, newest first. The newest encrypts,
  every one listed decrypts (MultiFernet), so a key is rotated by putting a new one in front and
  running `manage.py rotate_personal_data_keys`, then dropping the old one.
- `PERSONAL_DATA_HASH_KEY_<CODE>`: the HMAC-SHA256 key of the canonical email, which is what
  deduplication, "already signed" and staff's search by exact email look up (a Fernet token is
  different at each encryption, so it cannot be looked up). It is not rotated: a new one would
  have to rehash every supporter, each from their decrypted address.

Packages such as django-cryptography or django-fernet-encrypted-fields encrypt with one key for the
whole database; a section's keys here belong to that section only (its staff's host, its legal
entity), so a key is chosen per row, from the row's section.

Without keys in the environment, local use (`make run`, the tests for sections they make up) derives
keys from SECRET_KEY and the code, when `PERSONAL_DATA_DEV_KEYS` is on (never in production): still
real encryption, only not secret. Anything that would store a personal value without a key raises
`ImproperlyConfigured` instead: nothing is ever written in clear.
"""

import base64
import functools
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction

from .emails import canonical_email

KEYS_NAME = "PERSONAL_DATA_KEYS"
HASH_KEY_NAME = "PERSONAL_DATA_HASH_KEY"
# A stored value: the section's code, a colon, a Fernet token (which always starts "gAAAAA").
SEALED = re.compile(r"^([a-z0-9_-]+):(gAAAAA[A-Za-z0-9_=-]+)$")


class PersonalDataKeyError(ImproperlyConfigured):
    """A section's key is missing, malformed, or does not open what is stored."""


def env_name(name, code):
    return f"{name}_{code.upper()}"


def dev_key(purpose, code):
    """A key derived from SECRET_KEY for local use only: real encryption, but anyone with the settings has it."""
    digest = hashlib.sha256(f"plaidoyer-dev:{purpose}:{code}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def configured(name, code):
    """The environment's value of NAME_<CODE>, else a dev key where allowed, else PersonalDataKeyError."""
    value = settings.SECTION_SECRETS.get(env_name(name, code), "").strip()
    if value:
        return value
    if settings.PERSONAL_DATA_DEV_KEYS:
        return dev_key(name, code)
    raise PersonalDataKeyError(
        f"Section {code!r} has no {env_name(name, code)} in the environment: its supporters' personal "
        "data cannot be encrypted or read (see README, “Personal data at rest”)."
    )


@functools.lru_cache(maxsize=64)
def fernets_of(keys):
    """The Fernets of a comma-separated list of keys, newest first."""
    try:
        fernets = [Fernet(key.strip()) for key in keys.split(",") if key.strip()]
    except ValueError as error:
        raise PersonalDataKeyError(f"A personal data key is not a Fernet key: {error}") from None
    if not fernets:
        raise PersonalDataKeyError("A personal data key list is empty.")
    return fernets


def fernet_for(code):
    """The section's keys as one MultiFernet: encrypts with the newest, decrypts with any."""
    return MultiFernet(fernets_of(configured(KEYS_NAME, code)))


def personal_data_keys_of(code):
    """Raise PersonalDataKeyError unless the section `code` has usable keys (or dev keys are allowed)."""
    configured(HASH_KEY_NAME, code)
    fernet_for(code)


def newest_fernet(code):
    return fernets_of(configured(KEYS_NAME, code))[0]


# --- Sections: a row's site -> the code that names its keys --------------------------------------

_codes = {}


def section_code(site_id):
    """The code of the section whose site is `site_id` ("site<id>" for a site without section settings)."""
    code = _codes.get(site_id)
    if code is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT code FROM sections_sectionsettings WHERE site_id = %s", [site_id])
            row = cursor.fetchone()
        code = _codes[site_id] = (row[0] if row and row[0] else f"site{site_id}").lower()
    return code


def forget_section_codes(**kwargs):
    """Called when a section's settings change or a site goes (supporters.apps connects it)."""
    _codes.clear()


# --- Encrypting, decrypting, hashing -------------------------------------------------------------


def seal(site_id, value):
    """`value` encrypted with the newest key of the section of `site_id`, as stored; "" stays ""."""
    if value in (None, ""):
        return value
    return seal_with_code(section_code(site_id), value)


def seal_with_code(code, value):
    return f"{code}:{newest_fernet(code).encrypt(str(value).encode()).decode()}"


def unseal(stored):
    """The clear value of a stored one (any key of its section opens it); PersonalDataKeyError if none does."""
    if not stored:
        return stored
    match = SEALED.match(stored)
    if match is None:
        raise PersonalDataKeyError("A personal data column holds a value that was not encrypted.")
    code, token = match.groups()
    try:
        return fernet_for(code).decrypt(token.encode()).decode()
    except InvalidToken:
        raise PersonalDataKeyError(
            f"{env_name(KEYS_NAME, code)} does not open section {code!r}'s stored personal data: a wrong "
            "key, or an old key dropped before `rotate_personal_data_keys` re-encrypted everything."
        ) from None


def reseal(stored):
    """A stored value re-encrypted with its section's newest key (the same value if already so)."""
    if not stored:
        return stored
    code, token = SEALED.match(stored).groups()
    try:
        newest_fernet(code).decrypt(token.encode())
        return stored
    except InvalidToken:
        pass
    return seal_with_code(code, unseal(stored))


def email_hash(site_id, email):
    """The keyed hash (HMAC-SHA256, the section's key) of an address's canonical form: what
    deduplication and lookups by email compare, since the address itself is stored encrypted."""
    key = configured(HASH_KEY_NAME, section_code(site_id))
    return hmac.new(key.encode(), canonical_email(email).encode(), hashlib.sha256).hexdigest()


# --- Model fields --------------------------------------------------------------------------------


class EncryptedMixin:
    """A model field stored encrypted with the key of its row's section (the row's `site`).

    Python sees the clear value; the column (text: a token is longer than its value) holds
    "<code>:<token>". It is encrypted in `pre_save`, which saving, `create` and `bulk_create` call
    with the row; anything else that would write a value (a queryset's `update`, a lookup) can only
    use "" (erasure's blanks) and is refused otherwise, so clear text never reaches the database.
    Lookups other than "" cannot work on a token: search by the email's hash instead.
    """

    def db_type(self, connection):
        return connection.data_types["TextField"]

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def pre_save(self, model_instance, add):
        return seal(model_instance.site_id, super().pre_save(model_instance, add))

    def from_db_value(self, value, expression, connection):
        return unseal(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or value == "":
            return value
        # A value encrypted by pre_save, or a re-encrypted one from rotate_personal_data_keys.
        if isinstance(value, str) and SEALED.match(value):
            return str(value)
        raise ValueError(
            f"{self.model.__name__}.{self.name} is stored encrypted: no clear value is written or looked up."
        )


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField (same form field and length check on the clear value) stored encrypted."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


def encrypted_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)]


# --- Data migrations -----------------------------------------------------------------------------


def rewrite_rows(db, table, columns, change, batch=1000):
    """Give each row of `table` new values for `columns`: change(site_id, {column: value}) -> {column: value}.

    In batches by id, each in its own transaction, through plain SQL: the migrations that encrypt the
    rows written before (and decrypt them when reversed) and the key rotation read what is stored,
    not what the model's fields make of it. A row changed meanwhile (e.g. erased) is left as it now
    is: the update applies only where the columns still hold what was read. Returns the rows changed.
    """
    quote = db.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    unchanged = " AND ".join(f"{quote(column)} = %s" for column in columns)
    last = changed = 0
    while True:
        with transaction.atomic(using=db.alias), db.cursor() as cursor:
            cursor.execute(
                f"SELECT id, site_id, {names} FROM {quote(table)} WHERE id > %s ORDER BY id LIMIT %s",
                [last, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            for row_id, site_id, *values in rows:
                old = dict(zip(columns, values, strict=True))
                new = change(site_id, old)
                if new == old:
                    continue
                cursor.execute(
                    f"UPDATE {quote(table)} SET {assignments} WHERE id = %s AND {unchanged}",
                    [*(new[column] for column in columns), row_id, *values],
                )
                changed += cursor.rowcount
            last = rows[-1][0]


def encrypt_columns(table, columns):
    """A RunPython pair that encrypts `columns` of `table` (values already encrypted are kept) and back."""

    def forwards(apps, schema_editor):
        rewrite_rows(
            schema_editor.connection,
            table,
            columns,
            lambda site_id, row: {
                column: value if not value or SEALED.match(value) else seal(site_id, value)
                for column, value in row.items()
            },
        )

    def backwards(apps, schema_editor):
        rewrite_rows(
            schema_editor.connection,
            table,
            columns,
            lambda site_id, row: {
                column: unseal(value) if value and SEALED.match(value) else value
                for column, value in row.items()
            },
        )

    return forwards, backwards
