import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import Membership, Organization, User
from jinxiu.apps.core.models.changelog import ChangeSource
from jinxiu.apps.core.models.organizations import Role


class Command(BaseCommand):
    help = "Create a user, optionally as a member of an organization with a role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--organization", help="organization name or id")
        parser.add_argument("--role", choices=Role.values, default=Role.MEMBER)
        parser.add_argument("--statistician", action="store_true")
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args, username, display_name, organization, role, statistician,
               superuser, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        org = None
        if organization:
            lookup = {"pk": int(organization)} if organization.isdigit() else {"name": organization}
            org = Organization.objects.filter(**lookup).first()
            if org is None:
                raise CommandError(f"No organization {organization!r}.")
        password = os.environ.get("JINXIU_PASSWORD") or getpass.getpass("Password: ")
        user = User(username=username, display_name=display_name,
                    is_superuser=superuser, is_staff=superuser)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        user.set_password(password)
        with change_context(user=None, source=ChangeSource.CLI), transaction.atomic():
            user.save()
            if org is not None:
                Membership.objects.create(user=user, organization=org, role=role,
                                          is_statistician=statistician)
        self.stdout.write(self.style.SUCCESS(f"User {username} created."))
