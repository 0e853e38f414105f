/* The donation form: preset amounts, Stripe's Card Element, and the payment without leaving the page.
 *
 * Stripe.js is loaded only when the visitor starts to pay (their first touch, click or key in this
 * form): until then, opening the page tells no other host that someone is reading it. Card details
 * go from the Card Element to Stripe (createPaymentMethod); the server starts the payment with the
 * PaymentMethod's id;
 * when the bank asks for 3-D Secure, confirmCardPayment shows the bank's check. Messages come from
 * the server or from data attributes, already in the visitor's language.
 */
(function () {
  "use strict";
  var form = document.querySelector("[data-donation-form]");
  if (!form) {
    return;
  }
  var stripe = null;
  var card = null;
  var loadingStripe = null;

  // One <script> element for Stripe.js, added on the first step towards paying; resolves once the
  // card field is drawn, rejects if Stripe.js could not be reached (a blocker, no network).
  function loadStripe() {
    if (!loadingStripe) {
      loadingStripe = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = form.dataset.stripeJs;
        script.onload = function () {
          if (typeof Stripe === "undefined") {
            reject(new Error("Stripe.js did not define Stripe"));
            return;
          }
          stripe = Stripe(form.dataset.publishableKey, { locale: form.dataset.locale });
          card = stripe.elements({ locale: form.dataset.locale }).create("card", { hidePostalCode: true });
          card.mount("#card-element");
          resolve();
        };
        script.onerror = function () {
          loadingStripe = null;
          script.remove();
          reject(new Error("Stripe.js could not be loaded"));
        };
        document.head.appendChild(script);
      });
    }
    return loadingStripe;
  }

  // Said once next to the card field, however many attempts (a touch, then the submit) failed.
  function stripeUnavailable() {
    var list = form.querySelector("#id_payment_method_errors");
    if (list) { list.textContent = ""; }
    showError("payment_method", form.dataset.messageStripeUnavailable);
  }

  // The way to pay chosen (a radio when the section offers several, else a hidden field).
  function currentMethod() {
    var chosen = form.querySelector("[name=method]:checked") || form.querySelector("input[type=hidden][name=method]");
    return chosen ? chosen.value : "card";
  }

  function showMethod() {
    var method = currentMethod();
    form.querySelectorAll("[data-method]").forEach(function (block) {
      block.hidden = block.dataset.method !== method;
    });
  }
  form.querySelectorAll("[name=method]").forEach(function (radio) {
    radio.addEventListener("change", showMethod);
  });
  showMethod();

  // Only a card needs Stripe.js: an IBAN and TWINT go to the server, which calls Stripe itself.
  function startToPay() {
    if (form.querySelector("#card-element")) {
      loadStripe().catch(stripeUnavailable);
    }
  }
  ["focusin", "pointerdown", "keydown"].forEach(function (type) {
    form.addEventListener(type, startToPay, { once: true });
  });

  var amountInput = form.querySelector("[name=amount]");
  var submitButton = form.querySelector("[data-submit]");
  var progress = form.querySelector("[data-progress]");

  function currentFrequency() {
    var checked = form.querySelector("[name=frequency]:checked");
    return checked ? checked.value : "";
  }

  function showPresets() {
    var frequency = currentFrequency();
    form.querySelectorAll("[data-presets]").forEach(function (group) {
      group.hidden = group.dataset.presets !== frequency;
    });
    markPreset();
  }

  function markPreset() {
    form.querySelectorAll("[data-amount]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.amount === amountInput.value.trim()));
    });
  }

  form.querySelectorAll("[name=frequency]").forEach(function (radio) {
    radio.addEventListener("change", showPresets);
  });
  form.querySelectorAll("[data-amount]").forEach(function (button) {
    button.addEventListener("click", function () {
      amountInput.value = button.dataset.amount;
      markPreset();
    });
  });
  amountInput.addEventListener("input", markPreset);
  showPresets();

  // Errors go where the server puts them (templates/includes/field_errors.html): a list after the
  // field, named by the field's aria-describedby; errors of no field go to the live region at the top.
  function errorList(name) {
    var wrapper = form.querySelector('[data-field="' + name + '"]');
    if (name === "__all__" || !wrapper) {
      return null;
    }
    var list = form.querySelector("#id_" + name + "_errors");
    if (!list) {
      list = document.createElement("ul");
      list.className = "errorlist";
      list.id = "id_" + name + "_errors";
      wrapper.appendChild(list);
    }
    return list;
  }

  function clearErrors() {
    form.querySelectorAll(".errorlist, .form-errors").forEach(function (list) { list.remove(); });
    form.querySelector("#donation-errors").textContent = "";
    form.querySelectorAll(".form-field--error").forEach(function (field) {
      field.classList.remove("form-field--error");
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  function showError(name, message) {
    var list = errorList(name);
    if (!list) {
      var paragraph = document.createElement("p");
      paragraph.className = "form-errors";
      paragraph.textContent = message;
      form.querySelector("#donation-errors").appendChild(paragraph);
      return;
    }
    var item = document.createElement("li");
    item.textContent = message;
    list.appendChild(item);
    var wrapper = list.parentNode;
    wrapper.classList.add("form-field--error");
    var input = wrapper.querySelector("input, select, textarea");
    if (input && name !== "payment_method") {
      input.setAttribute("aria-invalid", "true");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(list.id) < 0) { described.push(list.id); }
      input.setAttribute("aria-describedby", described.join(" "));
    }
  }

  function showErrors(errors) {
    var first = null;
    Object.keys(errors).forEach(function (name) {
      errors[name].forEach(function (error) { showError(name, error.message); });
      first = first || errorList(name) || form.querySelector("#donation-errors");
    });
    if (first) { first.scrollIntoView({ block: "center" }); }
  }

  function busy(on) {
    submitButton.disabled = on;
    progress.hidden = !on;
  }

  // reCAPTCHA (django-recaptcha's widgets): v3 gets a fresh token just before each post; a used v2
  // checkbox is reset after a failed attempt. The widget's own submit handler is not used (see below).
  var captchaV3 = form.querySelector("input.g-recaptcha[data-sitekey]");

  function captchaToken() {
    if (!captchaV3 || typeof grecaptcha === "undefined") {
      return Promise.resolve();
    }
    return new Promise(function (resolve, reject) {
      grecaptcha.ready(function () {
        grecaptcha.execute(captchaV3.dataset.sitekey, { action: form.dataset.captchaAction }).then(function (token) {
          captchaV3.value = token;
          resolve();
        }, reject);
      });
    });
  }

  // ALTCHA (the default): solved just before each post, and solved anew after a failed attempt.
  var proofOfWork = form.querySelector("altcha-widget");

  async function proofOfWorkSolved() {
    if (!proofOfWork || typeof proofOfWork.verify !== "function") { return; }
    if (proofOfWork.getState() !== "verified") { await proofOfWork.verify(); }
  }

  function retryWith(key) {
    if (key) { form.querySelector("[name=idempotency_key]").value = key; }
    form.querySelector("[name=payment_method]").value = "";
    if (proofOfWork && typeof proofOfWork.reset === "function") { proofOfWork.reset(); }
    if (!captchaV3 && typeof grecaptcha !== "undefined" && grecaptcha.reset) {
      try { grecaptcha.reset(); } catch (error) { /* no checkbox on this page */ }
    }
  }

  // The card becomes a PaymentMethod at Stripe; false when the form was posted without it or must be mended.
  async function cardPaymentMethod() {
    try {
      await loadStripe();
    } catch (error) {
      // Without Stripe.js the server still checks every field and says, next to each, what to mend.
      form.querySelector("[name=card_unavailable]").value = "1";
      try { await proofOfWorkSolved(); } catch (powError) { /* the server then says what is missing */ }
      form.submit();
      return false;
    }
    var name = (form.querySelector("[name=first_name]").value + " " + form.querySelector("[name=last_name]").value).trim();
    var created = await stripe.createPaymentMethod({
      type: "card",
      card: card,
      billing_details: { name: name, email: form.querySelector("[name=email]").value.trim() },
    });
    if (!created || created.error || !created.paymentMethod) {
      var message = created && created.error && created.error.message;
      showError("payment_method", message || form.dataset.messageCard);
      busy(false);
      return false;
    }
    form.querySelector("[name=payment_method]").value = created.paymentMethod.id;
    return true;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    // django-recaptcha's v3 script would submit the form itself, without the card's PaymentMethod.
    event.stopImmediatePropagation();
    clearErrors();
    busy(true);
    try {
      // The same attempt sent again (its answer was lost) keeps its card's PaymentMethod: Stripe replays
      // the attempt's first answer only for the same parameters, so a new one would be refused, after a
      // first charge whose donation was never stored. A new attempt (retryWith) makes a new one.
      var kept = form.querySelector("[name=payment_method]").value;
      if (currentMethod() === "card" && !kept && !(await cardPaymentMethod())) {
        return;
      }
      await captchaToken();
      await proofOfWorkSolved();
      var response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      var data = await response.json();
      if (data.status === "invalid" || !data.status) {
        retryWith(data.retry_key);
        showErrors(data.errors || { __all__: [{ message: form.dataset.messageNetwork }] });
        busy(false);
        return;
      }
      if (data.status === "requires_action") {
        var result = await stripe.confirmCardPayment(data.client_secret);
        var intent = result && result.paymentIntent;
        var ok = intent && ["succeeded", "processing", "requires_capture"].indexOf(intent.status) !== -1;
        if (!result || result.error || !ok) {
          retryWith(data.retry_key);
          showError("payment_method", form.dataset.messageAuthentication);
          busy(false);
          return;
        }
      }
      // The thank-you page, or TWINT's page (which sends the donor back to it).
      window.location.assign(data.redirect);
    } catch (error) {
      // The same attempt key is kept: if the server did receive it, posting again finds that donation.
      showError("__all__", form.dataset.messageNetwork);
      busy(false);
    }
  });
})();
