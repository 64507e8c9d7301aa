"""``{component}/@@seal-picture/<sm3>``: a stored seal picture (印章图像) as PNG/JPEG."""

from Products.Five.browser import BrowserView
from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from sd.archive.seals.verification import picture


@implementer(IPublishTraverse)
class SealPicture(BrowserView):
    key = None

    def publishTraverse(self, request, name):
        if self.key is None:
            self.key = name
            return self
        raise NotFound(name)

    def __call__(self):
        image = picture(self.context, self.key) if self.key else None
        if image is None:
            raise NotFound(self.key or "")
        response = self.request.response
        response.setHeader("Content-Type", image.contentType)
        response.setHeader("Content-Length", str(image.getSize()))
        response.setHeader("Cache-Control", "private, max-age=86400")
        response.setHeader("X-Content-Type-Options", "nosniff")
        return image.data
