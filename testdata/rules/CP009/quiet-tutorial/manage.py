from flask import Flask
from flask_script import Manager

app = Flask(__name__)
manager = Manager(app)


@manager.command
def runserver():
    app.run(debug=True, host="0.0.0.0", port=5000)


if __name__ == "__main__":
    manager.run()
