import os
KEY = os.environ["API_KEY"]
