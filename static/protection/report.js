/* The report form (gi_registry/protection): photos are made smaller on the phone before they are
   sent, so a report goes through on a weak link. Each chosen picture the browser can decode is
   drawn on a canvas (long edge at most data-shrink px, 1600) and sent as a JPEG instead; drawing
   it anew also leaves its EXIF (GPS) behind. A picture the browser cannot decode (HEIC on most
   Android browsers) is sent as chosen: the server converts it. Without this script, or when
   anything here fails, the form is sent as it is. */
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form || !window.FormData || !window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) return;
  var input = form.querySelector("input[type=file][data-shrink]");
  var status = form.querySelector(".report-status");
  if (!input) return;
  var edge = parseInt(input.getAttribute("data-shrink"), 10) || 1600;
  var sending = false;

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return createImageBitmap(file);
      });
    }
    return Promise.reject(new Error("no decoder"));
  }

  function shrink(file) {
    if (!/^image\//.test(file.type) || /hei[cf]/i.test(file.type)) return Promise.resolve(file);
    return decode(file).then(function (bitmap) {
      var scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () {
      return file;
    });
  }

  form.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); return; }
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { sending = true; return; }
    event.preventDefault();
    sending = true;
    if (status) status.textContent = form.getAttribute("data-shrinking") || "";
    Promise.all(files.map(shrink)).then(function (smaller) {
      var transfer = new DataTransfer();
      smaller.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      form.setAttribute("data-shrunk", String(smaller.filter(function (f, i) { return f !== files[i]; }).length));
    }).catch(function () { /* send the photos as chosen */ }).then(function () {
      form.submit();
    });
  });
})();
