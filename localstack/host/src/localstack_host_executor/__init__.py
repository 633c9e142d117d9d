"""Runs LocalStack Lambda functions (Node.js) as host processes instead of Docker containers."""
