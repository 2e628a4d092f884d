// only here to be driven by the test (e2e/test_native_hostile.py)
