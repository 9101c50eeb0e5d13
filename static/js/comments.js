/* The comment form on a cached article page: the captcha and the CSRF token
   come from /comments/captcha/ when the reader starts to comment, and
   "换一张" fetches a new image without reloading the page. */
(function () {
  "use strict";
  var form = document.querySelector(".comment-form");
  if (!form || !window.fetch) return;
  var image = form.querySelector(".captcha-img");
  var keyInput = form.querySelector("input[name=captcha_key]");
  var answerInput = form.querySelector("input[name=captcha]");
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var refresh = form.querySelector(".captcha-refresh");
  var problem = form.querySelector(".captcha-error");
  var loading = false;

  function load() {
    if (loading) return;
    loading = true;
    refresh.disabled = true;
    fetch(form.getAttribute("data-captcha-url"), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            var refused = new Error(data.error || "");
            refused.fromServer = true;
            throw refused;
          }
          return data;
        });
      })
      .then(function (data) {
        keyInput.value = data.key;
        csrfInput.value = data.csrf_token;
        image.src = data.image;
        answerInput.value = "";
        problem.hidden = true;
      })
      .catch(function (error) {
        // The server's reason (too many requests), else a network failure.
        problem.textContent =
          error.fromServer && error.message
            ? error.message
            : "验证码加载失败,请稍后点“换一张”重试。";
        problem.hidden = false;
      })
      .then(function () {
        loading = false;
        refresh.disabled = false;
      });
  }

  form.addEventListener("focusin", function () {
    if (!keyInput.value) load();
  });
  refresh.addEventListener("click", load);
  image.addEventListener("click", load);
})();
