/* A monthly donor's new card: Stripe.js is loaded when they start to type it, the Card Element turns
 * it into a PaymentMethod (createPaymentMethod, as on the donation page), and the form posts only its id.
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
    ["focusin", "pointerdown", "keydown"].forEach(function (type) {
      form.addEventListener(type, function () { ready().catch(unavailable); }, { once: true });
    });
    form.addEventListener("submit", function (submitted) {
      if (form.elements.payment_method.value) {
        return;
      }
      submitted.preventDefault();
      errors.textContent = "";
      ready().then(function () {
        return stripe.createPaymentMethod({ type: "card", card: card });
      }).then(function (result) {
        if (!result || result.error || !result.paymentMethod) {
          errors.textContent = (result && result.error && result.error.message) || form.dataset.messageCard;
          return;
        }
        form.elements.payment_method.value = result.paymentMethod.id;
        form.submit();
      }, unavailable);
    });
  });
})();
