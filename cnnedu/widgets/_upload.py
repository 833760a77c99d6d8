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


class PictureUpload(widgets.HBox):
    """An upload button (the file dialog offers images first) and a status
    line: one of a demo's ``extras``, wired to it by :meth:`connect`.

    Every uploaded file goes through ``prepare`` (bytes -> ``(picture,
    description)``, raising ValueError for a bad file); the picture is kept as
    ``pictures[key]`` and shown by selecting ``key`` in the demo's menu
    ``control``, with one redraw; the status line names the file and says
    what the demo made of it. A bad file's message appears in the demo's
    message line; the picture shown and every control stay as they were, and
    the next good file is taken as usual.

    Parameters
    ----------
    prepare : callable
        ``prepare(content)`` -> ``(picture, description)``.
    pictures : dict
        The demo's pictures by menu entry (kept in its state).
    control : str
        The demo's picture menu.
    key : str
        The menu entry of an uploaded picture.
    description : str
        The button's label.

    Attributes
    ----------
    button : ipywidgets.FileUpload
    status : ipywidgets.HTML
    error : str or None
        The message for the last file if it was bad, else None.
    """

    def __init__(self, prepare, pictures, control, key=YOUR_PICTURE, description="upload a picture"):
        self.prepare, self.pictures, self.control, self.key = prepare, pictures, control, key
        self.button = widgets.FileUpload(
            accept="image/*",
            multiple=False,
            description=description,
            layout=widgets.Layout(width="auto"),
        )
        self.status = widgets.HTML(value="")
        self.error = None
        super().__init__([self.button, self.status], layout=widgets.Layout(align_items="center"))

    def connect(self, demo):
        """Show every good file in ``demo`` (which has this upload among its extras); returns self."""
        if not any(extra is self for extra in demo.extras.values()):
            raise ValueError("connect a PictureUpload to the demo that shows it among its extras")
        if self.control not in demo.controls:
            raise ValueError(f"the demo has no control {self.control!r} to select the picture with")

        def on_upload(change):
            self._take(demo, change["new"])

        self.button.observe(on_upload, names="value")
        return self

    def _take(self, demo, value):
        file = uploaded_file(value)
        if file is None:
            return
        name, content = file
        try:
            picture, description = self.prepare(content)
        except (ValueError, FileNotFoundError) as error:
            self.error = f"{name}: {error}"
            demo.message.value = (
                f"<div style='{ERROR_STYLE}'><b>Cannot use {html.escape(name)}:</b> {html.escape(str(error))}. "
                "The demo goes on with the picture it showed.</div>"
            )
        else:
            self.error = None
            self.pictures[self.key] = picture
            self.status.value = f"<i>{html.escape(name)}</i>: {html.escape(description)}"
            demo.set(**{self.control: self.key})  # selects the picture and redraws once (clearing any old message)
        if isinstance(self.button.value, tuple) and self.button.value:  # ipywidgets 8: let go of the file's bytes
            self.button.value = ()


def no_picture_yet():
    """The error a demo raises when "your picture" is chosen before any upload."""
    return ValueError(f"no picture uploaded yet: use the upload button and choose a {FILE_TYPES} file")
