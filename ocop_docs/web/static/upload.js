// Drag-and-drop upload: one request per file with its own progress bar, then poll the
// extraction status until it is done or failed (a failed file can be retried).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file-input");
  var list = document.getElementById("progress");
  if (!zone) return;

  function item(name) {
    var li = document.createElement("li");
    var title = document.createElement("strong"); title.textContent = name;
    var bar = document.createElement("progress"); bar.max = 100; bar.value = 0;
    var msg = document.createElement("div"); msg.className = "msg"; msg.textContent = "Đang tải lên…";
    li.appendChild(title); li.appendChild(bar); li.appendChild(msg);
    list.appendChild(li);
    return { li: li, bar: bar, msg: msg };
  }

  function poll(id, ui) {
    fetch("/api/uploads/" + id, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        ui.li.className = s.status;
        ui.li.dataset.status = s.status;
        if (s.status === "done" || s.status === "duplicate") {
          ui.bar.value = 100;
          ui.msg.textContent = (s.status === "done" ? "Đã trích xuất xong. " : "Tệp này đã có trong hệ thống. ");
          s.documents.forEach(function (d) {
            var a = document.createElement("a");
            a.href = "/documents/" + d.id;
            a.textContent = "Mở để kiểm tra: " + (d.doc_type || "Văn bản") + " " + (d.number || "(chưa số)");
            a.className = "open-doc";
            ui.msg.appendChild(a); ui.msg.appendChild(document.createTextNode(" "));
          });
        } else if (s.status === "failed") {
          ui.msg.textContent = "Lỗi: " + s.error + " ";
          var b = document.createElement("button"); b.type = "button"; b.textContent = "Thử lại";
          b.onclick = function () {
            fetch("/uploads/" + id + "/retry", { method: "POST", credentials: "same-origin",
              headers: { "X-CSRF-Token": csrf, "Accept": "application/json" } })
              .then(function () { ui.msg.textContent = "Đang thử lại…"; poll(id, ui); });
          };
          ui.msg.appendChild(b);
        } else {
          ui.msg.textContent = s.status_vi + "…";
          ui.bar.removeAttribute("value");   // indeterminate while extracting
          setTimeout(function () { poll(id, ui); }, 1000);
        }
      })
      .catch(function () { setTimeout(function () { poll(id, ui); }, 2000); });
  }

  function send(file) {
    var ui = item(file.name);
    var data = new FormData();
    data.append("files", file, file.name);
    ["incoming_number", "received_on", "sender"].forEach(function (name) {   // sổ văn bản đến
      var field = document.querySelector('#upload-form [name="' + name + '"]');
      if (field && field.value) data.append(name, field.value);
    });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/upload");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) ui.bar.value = Math.round(90 * e.loaded / e.total);
    };
    xhr.onload = function () {
      var res;
      try { res = JSON.parse(xhr.responseText); } catch (e) { res = null; }
      var r = res && res.results && res.results[0];
      if (r && r.id) { ui.msg.textContent = "Đã tải lên, đang chờ trích xuất…"; poll(r.id, ui); }
      else {
        ui.li.className = "failed"; ui.li.dataset.status = "rejected";
        ui.msg.textContent = "Không nhận tệp: " + ((r && r.error) || (res && res.detail) || xhr.statusText);
      }
    };
    xhr.onerror = function () { ui.li.className = "failed"; ui.msg.textContent = "Mất kết nối khi tải lên."; };
    xhr.send(data);
  }

  function sendAll(files) { Array.prototype.forEach.call(files, send); }
  ["dragenter", "dragover"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) { sendAll(e.dataTransfer.files); });
  input.addEventListener("change", function () { sendAll(input.files); input.value = ""; });
})();
