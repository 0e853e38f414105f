"""Images drawn locally with Pillow for demo content and tests (nothing is downloaded)."""

from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model


def demo_image(title, colour="#ffcc00", size=(1200, 600)):
    """The Wagtail image titled `title`, drawn once: a colour field with a dark band and a candle-like mark."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.rectangle([(0, height - height // 5), size], fill="#111111")
    draw.rectangle(
        [(width // 2 - width // 40, height // 3), (width // 2 + width // 40, height - height // 5)],
        fill="#111111",
    )
    draw.ellipse(
        [(width // 2 - width // 30, height // 6), (width // 2 + width // 30, height // 3)], fill="#ffffff"
    )
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:60]
    image = Image(title=title, file=ImageFile(buffer, name=f"{slug}.png"))
    image.save()
    return image
