"""Images drawn locally with Pillow for demo content and tests (nothing is downloaded)."""

from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model


def demo_image(title, colour="#ffcc00", size=(1200, 600), text=""):
    """The Wagtail image titled `title`, drawn once: a flat colour with a line of text."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    draw.rectangle([(0, size[1] - size[1] // 5), size], fill="#111111")
    draw.text((size[0] // 20, size[1] - size[1] // 7), text or title, fill="#ffffff", font_size=size[1] // 12)
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:60]
    image = Image(title=title, file=ImageFile(buffer, name=f"{slug}.png"))
    image.save()
    return image
