// The self-check quiz in a page (course_utils.quiz.quiz_html): a click on an option shows the
// message stored with it, why a wrong option is wrong or why the right one is right. It runs in
// JupyterLab (trusted outputs), on Colab and on the course website; without JavaScript the
// questions still show, and check_answer() gives the same messages in plain text.
(function () {
  var script = document.currentScript;
  var quiz = (script && script.closest(".course-quiz")) || document.getElementById("__QUIZ_ID__");
  if (!quiz) {
    return;
  }
  quiz.querySelectorAll(".course-quiz-question").forEach(function (question) {
    var options = question.querySelectorAll(".course-quiz-option");
    var feedback = question.querySelector(".course-quiz-feedback");
    options.forEach(function (option) {
      option.addEventListener("click", function () {
        var right = option.getAttribute("data-correct") === "true";
        options.forEach(function (other) {
          other.classList.remove("course-quiz-chosen");
        });
        option.classList.add("course-quiz-chosen", right ? "course-quiz-right" : "course-quiz-wrong");
        feedback.classList.remove("course-quiz-right", "course-quiz-wrong");
        feedback.classList.add(right ? "course-quiz-right" : "course-quiz-wrong");
        feedback.textContent = option.getAttribute("data-message");
      });
    });
  });
})();
