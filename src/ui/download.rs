//! Saving files from the page: a Blob behind a temporary link.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, Url};

/// Offers `contents` as a download named `name`.
pub fn text(name: &str, mime: &str, contents: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&contents.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "could not make the file")?;
    let url =
        Url::create_object_url_with_blob(&blob).map_err(|_| "could not make the file's address")?;
    let result = click(name, &url);
    let _ = Url::revoke_object_url(&url);
    result
}

/// Offers a canvas as a PNG named `name`.
pub fn png(name: &str, canvas: &HtmlCanvasElement) -> Result<(), String> {
    let url = canvas
        .to_data_url_with_type("image/png")
        .map_err(|_| "could not read the chart")?;
    click(name, &url)
}

fn click(name: &str, href: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "could not make a link")?
        .dyn_into()
        .map_err(|_| "could not make a link")?;
    a.set_href(href);
    a.set_download(name);
    a.click();
    Ok(())
}
