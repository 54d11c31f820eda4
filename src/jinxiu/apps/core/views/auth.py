from django.contrib.auth.views import LoginView


class ThrottledLoginView(LoginView):
    """The login page. Failed attempts are counted by django-axes (see AXES_* settings):
    after ``AXES_FAILURE_LIMIT`` failures for one user name from one address, that pair is
    locked out for ``AXES_COOLOFF_TIME`` hours."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
