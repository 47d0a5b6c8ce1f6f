// Review page: link each task card to its source span in the text (click either one), and
// add new task cards.
(function () {
  "use strict";
  function activate(ref, scroll) {
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    var mark = document.getElementById("span-" + ref);
    var card = document.getElementById("card-" + ref);
    if (mark) { mark.classList.add("active"); if (scroll) mark.scrollIntoView({ block: "center", behavior: "smooth" }); }
    if (card) { card.classList.add("active"); if (scroll === "card") card.scrollIntoView({ block: "center", behavior: "smooth" }); }
  }
  document.querySelectorAll(".task-card[data-ref]").forEach(function (card) {
    card.addEventListener("focusin", function () { activate(card.dataset.ref, true); });
    card.addEventListener("click", function () { activate(card.dataset.ref, true); });
  });
  document.querySelectorAll("label[data-ref]").forEach(function (label) {
    label.addEventListener("focusin", function () { activate(label.dataset.ref, true); });
  });
  document.querySelectorAll("mark.task").forEach(function (mark) {
    mark.addEventListener("click", function () { activate(mark.dataset.ref, "card"); });
  });
  var add = document.getElementById("add-task");
  if (add) add.addEventListener("click", function () {
    var i = parseInt(add.dataset.next, 10);
    add.dataset.next = String(i + 1);
    var html = document.getElementById("new-task").innerHTML.replace(/__I__/g, String(i));
    var holder = document.createElement("ol");
    holder.innerHTML = html;
    var li = holder.firstElementChild;
    document.getElementById("task-list").appendChild(li);
    li.querySelector("textarea").focus();
  });
})();
