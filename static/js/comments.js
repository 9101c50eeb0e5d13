/* The comment form on a cached article page: the captcha, the CSRF token
   and a proof-of-work challenge come from /comments/captcha/ when the reader
   starts to comment, and "换一张" fetches a new image without reloading the
   page. The proof of work (comments/proof.py) is solved here, in slices that
   keep the page responsive: find the number n <= maxnumber with
   sha256(salt + n) == challenge, and send it in the hidden "altcha" field.
   A form sent before the search ends waits for it. Ticking "看不清图片?"
   sets the captcha box aside: the comment goes without it and waits for a
   moderator (comments/views.py). */
(function () {
  "use strict";
  var form = document.querySelector(".comment-form");
  if (!form || !window.fetch) return;
  var image = form.querySelector(".captcha-img");
  var keyInput = form.querySelector("input[name=captcha_key]");
  var answerInput = form.querySelector("input[name=captcha]");
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var proofInput = form.querySelector("input[name=altcha]");
  var proofStatus = form.querySelector(".pow-status");
  var refresh = form.querySelector(".captcha-refresh");
  var problem = form.querySelector(".captcha-error");
  var loading = false;
  var solving = 0; // which search is current (a new challenge ends the old one)
  var sendWhenSolved = false;

  /* SHA-256 of an ASCII string, as lower-case hex. */
  var K = [];
  (function () {
    var n = 2, found = 0;
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    while (found < 64) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (prime) K[found++] = frac(Math.pow(n, 1 / 3));
      n++;
    }
  })();
  var W = new Int32Array(64);
  function sha256(text) {
    var length = text.length, blocks = ((length + 8) >> 6) + 1;
    var words = new Int32Array(blocks * 16), i;
    for (i = 0; i < length; i++) words[i >> 2] |= (text.charCodeAt(i) & 255) << (24 - (i % 4) * 8);
    words[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
    words[blocks * 16 - 1] = length * 8;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85 | 0, h2 = 0x3c6ef372, h3 = 0xa54ff53a | 0,
      h4 = 0x510e527f, h5 = 0x9b05688c | 0, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var block = 0; block < words.length; block += 16) {
      for (i = 0; i < 64; i++) {
        if (i < 16) W[i] = words[block + i];
        else {
          var a15 = W[i - 15], a2 = W[i - 2];
          var s0 = ((a15 >>> 7) | (a15 << 25)) ^ ((a15 >>> 18) | (a15 << 14)) ^ (a15 >>> 3);
          var s1 = ((a2 >>> 17) | (a2 << 15)) ^ ((a2 >>> 19) | (a2 << 13)) ^ (a2 >>> 10);
          W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
        }
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    var out = "";
    [h0, h1, h2, h3, h4, h5, h6, h7].forEach(function (v) {
      out += ("00000000" + (v >>> 0).toString(16)).slice(-8);
    });
    return out;
  }

  function solve(challenge) {
    var search = ++solving, number = 0, started = Date.now();
    proofInput.value = "";
    function slice() {
      if (search !== solving) return; // a newer challenge took over
      var until = Math.min(number + 5000, challenge.maxnumber + 1);
      for (; number < until; number++) {
        if (sha256(challenge.salt + number) === challenge.challenge) {
          proofInput.value = btoa(JSON.stringify({
            algorithm: challenge.algorithm, challenge: challenge.challenge,
            number: number, salt: challenge.salt, signature: challenge.signature
          }));
          form.setAttribute("data-pow-ms", String(Date.now() - started));
          proofStatus.hidden = true;
          if (sendWhenSolved) { sendWhenSolved = false; form.submit(); }
          return;
        }
      }
      if (number > challenge.maxnumber) {
        proofStatus.textContent = "防垃圾验证失败,请点“换一张”重试。";
        proofStatus.hidden = false;
        return;
      }
      setTimeout(slice, 0);
    }
    slice();
  }

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
        if (data.pow) solve(data.pow);
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
  form.addEventListener("submit", function (event) {
    if (proofInput.value || !solving) return; // solved, or no proof asked for
    event.preventDefault();
    sendWhenSolved = true;
    proofStatus.textContent = "正在完成防垃圾验证,马上自动提交……";
    proofStatus.hidden = false;
  });
  refresh.addEventListener("click", load);
  // "看不清图片?": no answer to type, so the captcha box is set aside.
  var without = form.querySelector("input[name=without_captcha]");
  function setAside() {
    answerInput.disabled = without.checked;
    form.querySelector(".captcha-field").classList.toggle("is-without", without.checked);
  }
  if (without) {
    without.addEventListener("change", setAside);
    setAside();
  }
  image.addEventListener("click", load);
  // A form page sent back by the server carries its challenge already.
  if (form.getAttribute("data-pow")) solve(JSON.parse(form.getAttribute("data-pow")));
})();
