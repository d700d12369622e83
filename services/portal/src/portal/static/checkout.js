// Checkout Summary: the totals follow the payment method as it is chosen, and
// the form says which total the payer saw (the portal charges only that one;
// without this script, choosing another method shows its total after one
// submit instead).
(function () {
  var form = document.getElementById("checkout-form");
  if (!form) return;
  form.addEventListener("change", function (event) {
    var radio = event.target;
    if (radio.name !== "method") return;
    document.getElementById("convenience-fee").textContent = radio.dataset.fee;
    document.getElementById("total-due").textContent = "Total Due: " + radio.dataset.total;
    document.getElementById("shown-method").value = radio.value;
    document.getElementById("shown-total").value = radio.dataset.totalMinor;
  });
})();
