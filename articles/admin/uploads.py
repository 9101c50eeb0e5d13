"""The rich-text editor's image upload, through the image pipeline."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from .. import images


class ImageUploadMixin:
    """Adds admin/articles/article/upload-image/ (CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME)."""

    def get_urls(self):
        upload = self.admin_site.admin_view(require_POST(self.upload_image))
        return [
            path("upload-image/", upload, name="articles_article_upload_image"),
            *super().get_urls(),
        ]

    def upload_image(self, request):
        """CKEditor's upload adapter posts one file as "upload" and expects
        {"url": ...} or {"error": {"message": ...}}, which it shows the editor."""
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            return JsonResponse({"error": {"message": "没有上传图片的权限。"}}, status=403)
        upload = request.FILES.get("upload")
        if upload is None:
            return JsonResponse({"error": {"message": "没有收到图片,请重新选择文件。"}}, status=400)
        try:
            stored = images.store_image(upload, folder="uploads")
        except images.ImageRejected as error:
            return JsonResponse(
                {"error": {"message": f"“{upload.name}”上传失败:{error.messages[0]}"}},
                status=400,
            )
        return JsonResponse({"url": stored.url, "width": stored.width, "height": stored.height})
