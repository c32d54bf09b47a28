// The API token's secret page (templates/interfaces/admin/tokens/created.html): say whether
// Wagtail's clipboard controller copied the secret; if it could not (no clipboard access), select
// the secret so that it can be copied by hand.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector(".api-tokens__secret");
  if (!box) return;
  const status = box.querySelector(".api-tokens__copied");
  const input = box.querySelector("[data-api-token-secret]");
  box.addEventListener("w-clipboard:copied", () => {
    status.textContent = status.dataset.copied;
  });
  box.addEventListener("w-clipboard:error", () => {
    status.textContent = status.dataset.copyFailed;
    input.focus();
    input.select();
  });
  input.addEventListener("focus", () => input.select());
});
