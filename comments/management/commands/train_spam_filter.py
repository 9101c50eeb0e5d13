"""manage.py train_spam_filter: learn the spam score from the moderators'
decisions (approved comments against those marked spam or rejected)."""

from django.core.management.base import BaseCommand

from comments.services import train_spam_model


class Command(BaseCommand):
    help = "用审核结果(通过 / 垃圾、拒绝)重新训练垃圾评论评分模型。"

    def handle(self, *args, **options):
        model = train_spam_model()
        self.stdout.write(
            f"已训练:{model.spam_comments} 条垃圾或拒绝的评论,"
            f"{model.approved_comments} 条通过的评论。"
        )
        if not model.spam_comments or not model.approved_comments:
            self.stdout.write("两类评论都要有,评分才会生效。")
