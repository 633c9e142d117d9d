// Starts remark on the page's markdown (the textarea #source). 16:9, for a 1280×720 projector.
// `window.slideshow` lets the presenter's keyboard and the Chromium test drive it.
window.slideshow = remark.create({
  ratio: "16:9",
  highlightStyle: "github",
  countIncrementalSlides: false,
  navigation: { scroll: false },
});
