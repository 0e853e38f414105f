// After django-otp-webauthn registers a passkey it only announces it: show the page that lists it.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const ceremony = event.target.closest("[data-passkey-after-registration]");
  window.location.assign(ceremony ? ceremony.dataset.passkeyAfterRegistration : window.location.href);
});
