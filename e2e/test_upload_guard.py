"""The upload guard on the mock product page: what reaches "Joom" is clean and pixel-identical."""

import base64

import pytest

from e2e.conftest import PRODUCT, set_agent_url, toast_texts, wait_uploads
from tests import image_fixtures as fx

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")



@fx.needs_exiftool
def test_photo_chosen_in_the_file_input_arrives_clean(browser, product, tmp_path):
    original = fx.photo_jpeg()
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(original)
    product.set_input_files("#image-upload", str(photo))
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_2041.jpg" and upload.content_type == "image/jpeg"
    assert fx.leftover_metadata(upload.body) == {}
    assert fx.frames(upload.body) == fx.frames(original)
    assert fx.icc_of(upload.body) == fx.icc_of(original)
    [text] = toast_texts(product)
    assert "Removed GPS location near Shanghai, camera iPhone 14 Pro" in text
    assert "IMG_2041.jpg" in text


def test_dropped_images_are_cleaned_and_other_files_pass(browser, product):
    png, pdf = fx.photo_png(), b"%PDF-1.4 a contract"
    transfer = product.evaluate_handle("""([png, pdf]) => {
        const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes(png)], "shot.png", { type: "image/png" }));
        dt.items.add(new File([bytes(pdf)], "agreement.pdf", { type: "application/pdf" }));
        return dt;
    }""", [base64.b64encode(png).decode(), base64.b64encode(pdf).decode()])
    product.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
    uploads = {u.name: u for u in wait_uploads(browser, product, 2)}
    assert uploads["agreement.pdf"].body == pdf
    cleaned = uploads["shot.png"].body
    assert fx.frames(cleaned) == fx.frames(png)
    assert b"Chen Jie" not in cleaned and b"TRAILING-SECRET" not in cleaned
    assert "shot.png" in toast_texts(product)[0]


def paste_files(page, selector, files):
    """The paste Chromium fires for Ctrl+V of files copied in the file manager. Playwright
    can put only text and images Chromium re-encodes on the clipboard, never a photo file
    with its metadata, so the event is dispatched as the drop test's is."""
    page.evaluate("""([selector, files]) => {
        const dt = new DataTransfer();
        for (const [name, type, b64] of files) {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            dt.items.add(new File([bytes], name, { type }));
        }
        document.querySelector(selector).dispatchEvent(new ClipboardEvent("paste",
            { bubbles: true, cancelable: true, composed: true, clipboardData: dt }));
    }""", [selector, [(name, kind, base64.b64encode(data).decode()) for name, kind, data in files]])


@fx.needs_exiftool
def test_a_pasted_photo_arrives_clean(browser, product):
    original = fx.photo_jpeg()
    paste_files(product, "body", [("IMG_2042.jpg", "image/jpeg", original)])
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_2042.jpg" and upload.content_type == "image/jpeg"
    assert fx.leftover_metadata(upload.body) == {}
    assert fx.frames(upload.body) == fx.frames(original)
    [text] = toast_texts(product)
    assert "Removed GPS location near Shanghai" in text and "IMG_2042.jpg" in text


def record_pastes(page):
    """What the page's own code sees of each paste."""
    page.evaluate("""() => {
        window.pastes = [];
        document.addEventListener("paste", (e) => window.pastes.push({
            trusted: e.isTrusted, text: e.clipboardData.getData("text/plain"),
            files: [...e.clipboardData.files].map((f) => f.name) }));
    }""")


def copy_to_clipboard(browser, page, items):
    """Put {mime: base64} on the real clipboard, as another program would."""
    browser.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                      origin=browser.panel.url(""))
    page.evaluate("""async (items) => {
        const blobs = {};
        for (const [type, b64] of Object.entries(items))
            blobs[type] = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type });
        await navigator.clipboard.write([new ClipboardItem(blobs)]);
    }""", {kind: base64.b64encode(data).decode() for kind, data in items.items()})


def test_pasted_text_reaches_the_page_untouched_and_at_once(browser, product):
    record_pastes(product)
    copy_to_clipboard(browser, product, {"text/plain": "不锈钢保温杯 500 ml".encode()})
    product.focus("#description")
    product.keyboard.press("Control+V")
    assert product.input_value("#description") == "不锈钢保温杯 500 ml"
    # The page saw the browser's own event during the key press: nothing held it back, so
    # there is nothing the guard could still clean, toast or upload.
    assert product.evaluate("window.pastes") == [
        {"trusted": True, "text": "不锈钢保温杯 500 ml", "files": []}]
    assert browser.panel.uploads == [] and product.evaluate("window.uploadToasts") == []


def test_a_screenshot_pasted_with_text_goes_through_the_guard_and_the_text_lands(
        browser, product):
    # A real Ctrl+V: an image copied together with text, as Excel and Word copy cells.
    png = fx.photo_png(trailing=b"")
    record_pastes(product)
    copy_to_clipboard(browser, product, {"image/png": png, "text/plain": b"Blue, size M"})
    product.focus("#description")
    product.keyboard.press("Control+V")
    [upload] = wait_uploads(browser, product, 1)
    # The page got the guard's event, not the browser's, with the text still in it.
    [seen] = product.evaluate("window.pastes")
    assert seen == {"trusted": False, "text": "Blue, size M", "files": [upload.name]}
    # Chromium re-encodes clipboard images: same pixels as the clipboard holds, not the file's.
    on_clipboard = base64.b64decode(product.evaluate("""async () => {
        const blob = await (await navigator.clipboard.read())[0].getType("image/png");
        const bytes = new Uint8Array(await blob.arrayBuffer());
        return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
    }"""))
    assert fx.frames(upload.body) == fx.frames(on_clipboard)
    assert toast_texts(product)
    # The page did not take the text itself, so it goes into the field as the browser's would.
    assert product.input_value("#description") == "Blue, size M"


def drop_files_natively(browser, page, selector, paths):
    """A drop from the desktop as Chromium receives it from the OS (CDP's
    Input.dispatchDragEvent): onto a file input it fills the input and fires input and
    change. Playwright's dispatch_event can only make a synthetic drop, which a file input
    ignores."""
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    data = {"items": [], "files": [str(p) for p in paths], "dragOperationsMask": 1}
    cdp = browser.context.new_cdp_session(page)
    try:
        for kind in ("dragEnter", "dragOver", "drop"):
            cdp.send("Input.dispatchDragEvent", {"type": kind, "x": x, "y": y, "data": data})
    finally:
        cdp.detach()


@fx.needs_exiftool
def test_a_photo_dropped_onto_the_file_input_arrives_clean(browser, product, tmp_path):
    original = fx.photo_jpeg()
    photo = tmp_path / "IMG_2043.jpg"
    photo.write_bytes(original)
    drop_files_natively(browser, product, "#image-upload", [photo])
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_2043.jpg"
    assert fx.leftover_metadata(upload.body) == {}
    assert fx.frames(upload.body) == fx.frames(original)
    assert "IMG_2043.jpg" in toast_texts(product)[0]
    # The input itself now holds the clean file, should the page read it again.
    assert product.eval_on_selector("#image-upload", "i => i.files[0].size") == len(upload.body)


def record_drop_handles(page):
    """What getAsFileSystemHandle() gives the page for each file of each drop."""
    page.evaluate("""() => {
        window.dropHandles = [];
        document.addEventListener("drop", (e) => {
            const items = [...e.dataTransfer.items].filter((item) => item.kind === "file");
            Promise.all(items.map((item) => item.getAsFileSystemHandle())).then((handles) =>
                window.dropHandles.push(handles.map((h) => h && [
                    h.constructor.name, h.kind, h.name])));
        });
    }""")


@fx.needs_exiftool
def test_a_photo_dropped_on_a_zone_that_reads_file_handles_arrives_clean(
        browser, product, tmp_path):
    # react-dropzone 14.3 reads a drop through getAsFileSystemHandle(), which Chromium
    # answers only for a drag from the desktop, not for the drop the guard replays.
    original = fx.photo_jpeg()
    photo = tmp_path / "IMG_2045.jpg"
    photo.write_bytes(original)
    record_drop_handles(product)
    drop_files_natively(browser, product, "#handle-dropzone", [photo])
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_2045.jpg" and upload.content_type == "image/jpeg"
    assert fx.leftover_metadata(upload.body) == {}
    assert fx.frames(upload.body) == fx.frames(original)
    assert "IMG_2045.jpg" in toast_texts(product)[0]
    # The page's code saw only the replayed drop, with a read-only stand-in handle.
    assert product.evaluate("window.dropHandles") == [[["Object", "file", "IMG_2045.jpg"]]]


def test_a_file_dropped_from_the_desktop_keeps_its_real_handle(browser, product, tmp_path):
    doc = tmp_path / "licence.txt"
    doc.write_bytes(b"stock licence, e-commerce allowed")
    record_drop_handles(product)
    drop_files_natively(browser, product, "#handle-dropzone", [doc])
    [upload] = wait_uploads(browser, product, 1)
    assert upload.body == doc.read_bytes()
    assert product.evaluate("window.dropHandles") == [
        [["FileSystemFileHandle", "file", "licence.txt"]]]
    assert product.evaluate("window.uploadToasts") == []


def pick_files(page, paths):
    """Choose files in the dialog the mock page opens with window.showOpenFilePicker."""
    with page.expect_file_chooser() as chooser:
        page.click("#pick-images")
    assert chooser.value.is_multiple()
    chooser.value.set_files([str(p) for p in paths])


@fx.needs_exiftool
def test_a_photo_chosen_in_the_file_system_access_picker_arrives_clean(
        browser, product, tmp_path):
    original = fx.photo_jpeg()
    photo = tmp_path / "IMG_2044.jpg"
    photo.write_bytes(original)
    pick_files(product, [photo])
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_2044.jpg"
    assert fx.leftover_metadata(upload.body) == {}
    assert fx.frames(upload.body) == fx.frames(original)
    assert "IMG_2044.jpg" in toast_texts(product)[0]


def test_an_iphone_heic_photo_arrives_as_a_clean_jpeg(browser, product, tmp_path):
    photo = tmp_path / "IMG_0001.HEIC"
    photo.write_bytes(fx.heic())
    product.set_input_files("#image-upload", str(photo))
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_0001.jpg" and upload.content_type == "image/jpeg"
    assert upload.body[:3] == b"\xff\xd8\xff" and b"iPhone" not in upload.body
    assert fx.frames(upload.body)[0][1] == (48, 64)  # upright
    assert "converted to JPEG" in toast_texts(product)[0]


def test_non_images_in_the_file_input_are_not_touched(browser, product, tmp_path):
    doc = tmp_path / "licence.txt"
    doc.write_bytes(b"stock licence, e-commerce allowed")
    product.set_input_files("#image-upload", str(doc))
    [upload] = wait_uploads(browser, product, 1)
    assert upload.body == doc.read_bytes()
    assert product.evaluate("window.uploadToasts") == []


def test_a_damaged_image_is_stopped_with_a_reason(browser, product, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(fx.photo_jpeg()[:4000])
    good = tmp_path / "fine.gif"
    good.write_bytes(fx.animated_gif())
    product.set_input_files("#image-upload", [str(bad), str(good)])
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "fine.gif" and b"Zhao Lei" not in upload.body
    texts = toast_texts(product, 2)
    assert any("broken.jpg" in t and "truncated" in t for t in texts)


def set_block(browser, block: bool):
    page = browser.open_options()
    page.wait_for_selector("#block-when-agent-down[data-loaded]")
    if page.is_checked("#block-when-agent-down") != block:
        page.click("#block-when-agent-down")
        page.wait_for_selector("#upload-guard-message.ok")
    page.close()


def test_without_iprdesk_the_guard_names_the_command_that_installs_it(browser, tmp_path):
    photo = tmp_path / "IMG_3001.jpg"
    photo.write_bytes(fx.photo_jpeg(everything=False))
    with browser.agent_stopped():  # the host unregistered: Chrome finds no iprdesk
        browser.panel.uploads.clear()
        page = browser.open_panel(PRODUCT)
        page.set_input_files("#image-upload", str(photo))
        [text] = toast_texts(page)
        assert "IMG_3001.jpg was not uploaded" in text  # blocked: the default once connected
        assert "not installed for this browser" in text and "iprdesk install" in text
        assert browser.panel.uploads == []
        page.close()


def block_setting(browser):
    page = browser.open_options()
    page.wait_for_selector("#block-when-agent-down[data-loaded]")
    checked = page.is_checked("#block-when-agent-down")
    page.close()
    return checked


def test_agent_down_blocks_by_default_once_connected_or_passes_the_original(browser, tmp_path):
    photo = tmp_path / "IMG_3000.jpg"
    photo.write_bytes(fx.photo_jpeg(everything=False))
    # iprdesk has connected in this browser (native messaging): blocking is the default now.
    assert block_setting(browser) is True
    set_agent_url(browser, "http://127.0.0.1:9")  # nothing listens there
    try:
        browser.panel.uploads.clear()
        page = browser.open_panel(PRODUCT)
        page.set_input_files("#image-upload", str(photo))
        [text] = toast_texts(page)
        assert "IMG_3000.jpg was not uploaded" in text
        # The guard is done when it empties the input: it never gave the page its `change`.
        page.wait_for_function("document.querySelector('#image-upload').files.length === 0")
        assert browser.panel.uploads == []
        record_pastes(page)
        paste_files(page, "body", [("IMG_3000.jpg", "image/jpeg", photo.read_bytes())])
        assert "IMG_3000.jpg was not uploaded" in toast_texts(page, 2)[1]
        assert page.evaluate("window.pastes") == []  # no paste was replayed to the page
        pick_files(page, [photo])  # the page's picker then ends as if nothing was chosen
        assert "IMG_3000.jpg was not uploaded" in toast_texts(page, 3)[2]
        page.wait_for_selector("#upload-status:text('No image chosen')")
        assert browser.panel.uploads == []
        page.close()

        set_block(browser, False)  # the user's choice wins over the default
        # (the options page's look at the agent got a new session from the host: dead again)
        set_agent_url(browser, "http://127.0.0.1:9")
        browser.panel.uploads.clear()
        page = browser.open_panel(PRODUCT)
        page.set_input_files("#image-upload", str(photo))
        [upload] = wait_uploads(browser, page, 1)
        assert upload.body == photo.read_bytes()  # passed as it was, and the user is told
        [text] = toast_texts(page)
        assert "could not clean IMG_3000.jpg" in text and "not running" in text
        page.close()
    finally:
        browser.worker.evaluate("chrome.storage.local.remove('uploadGuard')")  # the default
        set_agent_url(browser, browser.agent.url)
