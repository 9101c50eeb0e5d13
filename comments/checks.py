"""Deployment checks (manage.py check --deploy) for the comment protections."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def captcha_test_mode_is_off(app_configs, **kwargs):
    if settings.CAPTCHA_TEST_MODE:
        return [
            Warning(
                "CAPTCHA_TEST_MODE 已开启:任何人输入 PASSED 都能通过验证码。",
                hint="生产环境请删除环境变量 CAPTCHA_TEST_MODE。",
                id="comments.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def rate_limits_are_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "评论和验证码的频率限制记在本地内存缓存里,每个服务器进程各算各的:"
                "N 个进程时,同一地址实际可提交 N 倍。",
                hint="生产环境请设置 REDIS_URL,让所有进程共用一份计数。",
                id="comments.W002",
            )
        ]
    return []
