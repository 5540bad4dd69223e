"""The machinery that trains while a page watches, with no Streamlit in it: the training
process of a playground tab (process), its handle on the page side (worker), the page's copy of
the run (mirror), the typed messages between them (messages), MNIST's training thread
(image_thread) and the frame feed a live chart reads (feed)."""
