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
