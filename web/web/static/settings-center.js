// The centre's details page: show the chosen logo before it is uploaded (the gateway still judges the file).
(function () {
  "use strict";

  var input = document.querySelector("[data-logo-input]");
  var preview = document.querySelector("[data-logo-preview]");
  if (!input || !preview) {
    return;
  }
  var image = preview.querySelector("img");

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file || !/^image\/(png|jpeg)$/.test(file.type)) {
      preview.hidden = true;
      return;
    }
    var reader = new FileReader();
    reader.addEventListener("load", function () {
      image.src = reader.result;  // a data: URL, which the Content-Security-Policy allows for images
      preview.hidden = false;
    });
    reader.readAsDataURL(file);
  });
})();
