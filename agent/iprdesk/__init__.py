"""iprdesk: get a Joom store out of an image-copyright complaint."""

__version__ = "0.1.0"
