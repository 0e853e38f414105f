/* A monthly donor's new card, the Stripe way: Stripe.js is loaded when they start to type it; on submit the
 * server makes a SetupIntent for the donor's customer (action "card_setup"), Stripe.js confirms it with the
 * card (`confirmCardSetup`, which opens the bank's 3-D Secure check when the bank asks for it), and the form
 * then posts only the SetupIntent's id: the server makes its card the gift's once it has seen it succeed.
 */
(function () {
  "use strict";
  var loading = null;

  function loadStripe(form) {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = form.dataset.stripeJs;
        script.onload = function () {
          if (typeof Stripe === "undefined") {
            reject(new Error("Stripe.js did not define Stripe"));
            return;
          }
          resolve(Stripe(form.dataset.publishableKey, { locale: form.dataset.locale }));
        };
        script.onerror = function () {
          loading = null;
          script.remove();
          reject(new Error("Stripe.js could not be loaded"));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  document.querySelectorAll("[data-card-form]").forEach(function (form) {
    var errors = form.querySelector("[data-card-errors]");
    var button = form.querySelector("button[type=submit]");
    var card = null;
    var stripe = null;

    function ready() {
      return loadStripe(form).then(function (client) {
        if (!card) {
          stripe = client;
          card = stripe.elements({ locale: form.dataset.locale }).create("card", { hidePostalCode: true });
          card.mount(form.querySelector("[data-card-element]"));
        }
      });
    }
    function unavailable() {
      errors.textContent = form.dataset.messageStripeUnavailable;
    }
    // What Stripe.js answered, said in the page's language.
    function refusal(error) {
      if (error instanceof Error) {
        return form.dataset.messageStripeUnavailable;
      }
      if (error.code === "card_declined" || error.decline_code) {
        return form.dataset.messageDeclined;
      }
      // localstripe's 3-D Secure window gives neither a type nor a code when the donor fails it.
      if (error.code === "setup_intent_authentication_failure" || !error.type) {
        return form.dataset.messageAuthentication;
      }
      return form.dataset.messageCard;
    }
    function setupIntent() {
      var body = new FormData(form);
      body.set("action", "card_setup");
      // form.action is the hidden field named "action": the form's own address is its attribute.
      return fetch(form.getAttribute("action"), {
        method: "POST",
        body: body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      }).then(function (response) {
        return response.json();
      });
    }
    ["focusin", "pointerdown", "keydown"].forEach(function (type) {
      form.addEventListener(type, function () { ready().catch(unavailable); }, { once: true });
    });
    form.addEventListener("submit", function (submitted) {
      if (form.elements.setup_intent.value) {
        return;
      }
      submitted.preventDefault();
      errors.textContent = "";
      button.disabled = true;
      ready().then(setupIntent).then(function (answer) {
        if (!answer.client_secret) {
          errors.textContent = answer.error || form.dataset.messageStripeUnavailable;
          button.disabled = false;
          return;
        }
        return stripe.confirmCardSetup(answer.client_secret, { payment_method: { card: card } }).then(
          function (result) {
            if (!result || result.error || !result.setupIntent) {
              errors.textContent = refusal((result && result.error) || {});
              button.disabled = false;
              return;
            }
            form.elements.setup_intent.value = result.setupIntent.id;
            form.submit();
          }
        );
      }).catch(function () {
        unavailable();
        button.disabled = false;
      });
    });
  });
})();
