// The sign-in screen: one form, "Sign in" submits it, "Create account" registers.

export function mountLogin({ client, store, $ }) {
  const form = $('#login-form');
  const username = $('#login-username');
  const password = $('#login-password');
  const error = $('#login-error');
  const status = $('#login-status');
  const signInButton = $('#sign-in-button');
  const createButton = $('#create-account-button');
  let busy = false;
  let shownAuthError = null;

  async function submit(create) {
    if (busy) return;
    busy = true;
    error.textContent = '';
    username.removeAttribute('aria-invalid');
    password.removeAttribute('aria-invalid');
    signInButton.disabled = createButton.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status.textContent = create ? 'Creating your account…' : 'Signing in…';
    password.setAttribute('autocomplete', create ? 'new-password' : 'current-password');
    try {
      await client.signIn(username.value, password.value, create);
      password.value = '';
    } catch (e) {
      error.textContent = e.message || 'Could not sign in.';
      const message = e.message ?? '';
      const aboutPassword = /password/i.test(message) && !/username or password/i.test(message);
      const field = aboutPassword ? password : username;
      if (e.code === 'bad_request' || e.code === 'conflict' || e.code === 'unauthorized') {
        field.setAttribute('aria-invalid', 'true');
      }
      field.focus();
    } finally {
      busy = false;
      signInButton.disabled = createButton.disabled = false;
      form.removeAttribute('aria-busy');
      status.textContent = '';
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(false);
  });
  createButton.addEventListener('click', () => submit(true));

  return {
    render() {
      if (store.authError && store.authError !== shownAuthError) {
        error.textContent = store.authError;
      }
      shownAuthError = store.authError;
    },
    focus() {
      (username.value ? password : username).focus();
    },
  };
}
