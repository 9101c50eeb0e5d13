"""The admin index's dashboard: what editors look at first. It depends on
both content apps (articles, comments) so that neither depends on the other
for it."""
