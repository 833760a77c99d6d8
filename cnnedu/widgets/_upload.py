"""An upload button for the demos that show a photo: the student's own picture
goes into the demo's picture menu as "your picture".

ipywidgets changed the shape of ``FileUpload.value`` between its versions:
7 (Google Colab) gives a dict keyed by file name,
``{name: {"metadata": {...}, "content": bytes}}``; 8 gives a tuple of dicts
``({"name": ..., "type": ..., "size": ..., "content": memoryview, ...},)``.
:func:`uploaded_file` reads either.
"""

import html

import ipywidgets as widgets

YOUR_PICTURE = "your picture"  # the menu entry (label and value) of an uploaded picture
FILE_TYPES = "PNG, JPEG, GIF, BMP or WebP"
ERROR_STYLE = "color:#b00020;font-size:1.1em"


def uploaded_file(value):
    """``(file name, content bytes)`` of the last file in a ``FileUpload.value``,
    from ipywidgets 7 or 8; ``None`` when nothing has been uploaded.

    Examples
    --------
    >>> uploaded_file({"cat.png": {"metadata": {"name": "cat.png"}, "content": b"..."}})  # ipywidgets 7
    ('cat.png', b'...')
    >>> uploaded_file(({"name": "cat.png", "content": memoryview(b"...")},))  # ipywidgets 8
    ('cat.png', b'...')
    >>> uploaded_file(()) is None
    True
    """
    if not value:
        return None
    if isinstance(value, dict):  # ipywidgets 7: {name: {"metadata": {...}, "content": bytes}}
        name, entry = list(value.items())[-1]
    elif isinstance(value, (tuple, list)):  # ipywidgets 8: ({"name": ..., "content": memoryview}, ...)
        entry = value[-1]
        name = entry.get("name", "") if isinstance(entry, dict) else None
    else:
        raise TypeError(f"value must be a FileUpload value (a dict or a tuple of dicts); got {type(value).__name__}")
    if not isinstance(entry, dict) or "content" not in entry:
        raise TypeError(f"an uploaded file must be a dict with a 'content' entry; got {entry!r:.80}")
    return str(name), bytes(entry["content"])


def upload_controls(description="upload a picture"):
    """A FileUpload for one image file (the file dialog offers images first)
    and an HTML line that will name the file read; both go into a demo's extras."""
    upload = widgets.FileUpload(
        accept="image/*",
        multiple=False,
        description=description,
        layout=widgets.Layout(width="auto"),
    )
    return upload, widgets.HTML(value="")


def connect_upload(demo, upload, status, control, prepare, pictures, key=YOUR_PICTURE):
    """Wire ``upload`` to ``demo``.

    Every uploaded file goes through ``prepare`` (bytes -> ``(picture,
    description)``, raising ValueError for a bad file); the picture is kept as
    ``pictures[key]`` and shown by selecting ``key`` in the demo's menu
    ``control``, with one redraw; ``status`` names the file and says what the
    demo made of it. A bad file's message appears in the demo's message line;
    the picture shown and every control stay as they were, and the next good
    file is taken as usual.

    Sets ``demo.upload`` (the button), ``demo.upload_status`` (``status``)
    and ``demo.upload_error`` (the message for the last file if it was bad,
    else None). Returns the callback.
    """
    demo.upload, demo.upload_status = upload, status
    demo.upload_error = None

    def on_upload(change):
        file = uploaded_file(change["new"])
        if file is None:
            return
        name, content = file
        try:
            picture, description = prepare(content)
        except (ValueError, FileNotFoundError) as error:
            demo.upload_error = f"{name}: {error}"
            demo.message.value = (
                f"<div style='{ERROR_STYLE}'><b>Cannot use {html.escape(name)}:</b> {html.escape(str(error))}. "
                "The demo goes on with the picture it showed.</div>"
            )
        else:
            demo.upload_error = None
            pictures[key] = picture
            status.value = f"<i>{html.escape(name)}</i>: {html.escape(description)}"
            demo.set(**{control: key})  # selects the picture and redraws once (clearing any old message)
        if isinstance(upload.value, tuple) and upload.value:  # ipywidgets 8: let go of the file's bytes
            upload.value = ()

    upload.observe(on_upload, names="value")
    return on_upload


def no_picture_yet():
    """The error a demo raises when "your picture" is chosen before any upload."""
    return ValueError(f"no picture uploaded yet: use the upload button and choose a {FILE_TYPES} file")
