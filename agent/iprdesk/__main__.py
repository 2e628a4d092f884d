from iprdesk.cli import run

run()
