"""Figure builders: pure functions from snapshots / arrays to plotly figures. No torch, no
Streamlit."""
