"""The built-in dictionary (search/dictionary.txt) as rows editors see and
can switch off, and every existing article indexed."""

from django.db import migrations


def load(apps, schema_editor):
    from search.segment import builtin_words

    DictionaryWord = apps.get_model("search", "DictionaryWord")
    known = set(DictionaryWord.objects.values_list("word", flat=True))
    DictionaryWord.objects.bulk_create(
        DictionaryWord(word=word, weight=weight, builtin=True)
        for word, weight in dict(builtin_words()).items()
        if word not in known
    )


def index(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    if not Article.objects.exists():
        return
    from search.index import reindex
    from search.segment import segmenter

    segmenter.forget()
    reindex(Article.objects.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index"), ("articles", "0006_article_body_text")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(index, migrations.RunPython.noop),
    ]
