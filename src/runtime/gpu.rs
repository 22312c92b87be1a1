//! The GPU rung of the training example: the same gradient as the CPU
//! rungs (`engine::work::accumulate`), as WebGPU compute shaders.
//!
//! Wasm only, main thread only: every handle here is a JS object (not
//! `Send`). The bindings are web-sys's own (behind
//! `--cfg=web_sys_unstable_apis`, set for the wasm build in
//! .cargo/config.toml): far smaller than wgpu, which carries a whole
//! portable graphics layer the page does not need.
//!
//! The data set is uploaded once ([`Gpu::load`], timed apart) and stays on
//! the GPU, as a training pipeline keeps its batches there; each step
//! writes the weights, runs three passes and reads back the sums:
//! 1. `errors`: one invocation per sample of the batch: its error
//!    `σ(w·x + b) − y` and its loss;
//! 2. `partials`: one per (chunk of 256 samples, number): that chunk's sum,
//!    as the CPU sums a chunk;
//! 3. `totals`: one per number, adding its chunks' sums.
//!
//! Uploads hand `writeBuffer` a view of the wasm memory, a
//! `SharedArrayBuffer` in this threaded build: Chromium takes it; Firefox
//! has refused such views (emscripten-core/emscripten#21007), so the first
//! refusal switches to copying through a non-shared array.

use crate::engine::work::{CHUNK, Dataset, sum_len};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Float32Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    GpuAdapter, GpuAutoLayoutMode, GpuBindGroup, GpuBindGroupDescriptor, GpuBindGroupEntry,
    GpuBuffer, GpuBufferBinding, GpuBufferDescriptor, GpuComputePipeline,
    GpuComputePipelineDescriptor, GpuDevice, GpuDeviceDescriptor, GpuError, GpuErrorFilter,
    GpuPowerPreference, GpuProgrammableStage, GpuQueue, GpuRequestAdapterOptions, GpuShaderModule,
    GpuShaderModuleDescriptor, gpu_buffer_usage as usage, gpu_map_mode,
};

/// The three entry points (see the module's docs): `errors` (one
/// invocation per sample), `partials` (one per chunk and number) and
/// `totals` (one per number). Workgroups are laid out on a 2D grid, as
/// one dimension holds at most 65535 of them; the flat index is
/// `(wg.y * num_workgroups.x + wg.x) * 64 + local_index`.
const SHADER: &str = r"
struct Params {
  n: u32,      // samples in the batch
  d: u32,      // features
  first: u32,  // the batch's first row in the data set
  chunks: u32, // chunks of 256 samples in the batch
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> err: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;
@group(0) @binding(6) var<storage, read_write> part: array<f32>;
@group(0) @binding(7) var<storage, read_write> total: array<f32>;

fn flat_index(wg: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return (wg.y * nwg.x + wg.x) * 64u + lid;
}

// Sample i of the batch: its error and its loss, softplus(z) - y z.
@compute @workgroup_size(64)
fn errors(@builtin(workgroup_id) wg: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
  let i = flat_index(wg, nwg, lid);
  if (i >= params.n) { return; }
  let d = params.d;
  let row = (params.first + i) * d;
  var z = w[d];
  for (var j = 0u; j < d; j = j + 1u) {
    z = z + w[j] * x[row + j];
  }
  let t = exp(-abs(z));
  let p = select(t / (1.0 + t), 1.0 / (1.0 + t), z >= 0.0);
  let label = y[params.first + i];
  err[i] = p - label;
  loss[i] = max(z, 0.0) + log(1.0 + t) - label * z;
}

// Chunk c's sum of number j (j < d: err * x_j; j == d: err; j == d + 1: loss).
@compute @workgroup_size(64)
fn partials(@builtin(workgroup_id) wg: vec3<u32>,
            @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
  let k = flat_index(wg, nwg, lid);
  let numbers = params.d + 2u;
  if (k >= numbers * params.chunks) { return; }
  let c = k / numbers;
  let j = k % numbers;
  let d = params.d;
  var s = 0.0;
  let end = min((c + 1u) * 256u, params.n);
  for (var i = c * 256u; i < end; i = i + 1u) {
    if (j < d) {
      s = s + err[i] * x[(params.first + i) * d + j];
    } else if (j == d) {
      s = s + err[i];
    } else {
      s = s + loss[i];
    }
  }
  part[k] = s;
}

// Number j's total over the chunks.
@compute @workgroup_size(64)
fn totals(@builtin(workgroup_id) wg: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
  let j = flat_index(wg, nwg, lid);
  let numbers = params.d + 2u;
  if (j >= numbers) { return; }
  var s = 0.0;
  for (var c = 0u; c < params.chunks; c = c + 1u) {
    s = s + part[c * numbers + j];
  }
  total[j] = s;
}
";

/// Invocations per workgroup, as in the shader's `@workgroup_size`.
const WORKGROUP: u64 = 64;
/// The most a fallback upload copies at once (bytes): a multiple of 4, as
/// `writeBuffer` offsets must be.
const STAGING_BYTES: usize = 16 << 20;

/// What the adapter says about itself (`GPUAdapterInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdapterInfo {
    pub vendor: String,
    pub architecture: String,
    pub description: String,
    /// A software adapter (SwiftShader in Chromium): correct but slow.
    pub fallback: bool,
}

/// The outcome of [`open`].
pub enum GpuOpen {
    /// No `navigator.gpu`: no WebGPU in this browser, or not a secure context.
    NoWebGpu,
    /// WebGPU, but `requestAdapter()` gave null (blocklisted or no GPU;
    /// Chromium without a usable GPU and without `--enable-unsafe-webgpu`).
    NoAdapter,
    Failed(String),
    Ready(Gpu),
}

/// A device, the three pipelines, and the data set's buffers once loaded.
pub struct Gpu {
    info: AdapterInfo,
    device: GpuDevice,
    queue: GpuQueue,
    pipelines: [GpuComputePipeline; 3],
    /// The uniform `Params`, 16 bytes.
    params: GpuBuffer,
    /// The largest buffer that can be bound as storage, in bytes.
    max_binding: u64,
    /// The most workgroups in one dimension of a dispatch.
    max_groups: u32,
    loaded: RefCell<Option<Loaded>>,
    /// Whether `writeBuffer` takes views of the (shared) wasm memory.
    shared_views_ok: Cell<bool>,
    /// A non-shared copy area for browsers that refuse shared views.
    staging: RefCell<Option<Uint8Array>>,
    /// A step is in flight (its readback buffer is being mapped).
    busy: Cell<bool>,
    /// Set when `device.lost` resolves.
    lost: Rc<Cell<bool>>,
}

/// A data set on the GPU, the per-batch buffers, and the bind groups.
struct Loaded {
    features: usize,
    batch: usize,
    buffers: Vec<GpuBuffer>,
    w: GpuBuffer,
    total: GpuBuffer,
    readback: GpuBuffer,
    groups: [GpuBindGroup; 3],
}

impl Loaded {
    fn destroy(&self) {
        for b in self
            .buffers
            .iter()
            .chain([&self.w, &self.total, &self.readback])
        {
            b.destroy();
        }
    }
}

/// Opens the GPU: `navigator.gpu` → adapter → device → pipelines. Never panics.
pub async fn open() -> GpuOpen {
    let Some(window) = web_sys::window() else {
        return GpuOpen::NoWebGpu;
    };
    let gpu = window.navigator().gpu();
    if gpu.is_undefined() || gpu.is_null() {
        return GpuOpen::NoWebGpu;
    }
    let options = GpuRequestAdapterOptions::new();
    options.set_power_preference(GpuPowerPreference::HighPerformance);
    let adapter: GpuAdapter = match JsFuture::from(gpu.request_adapter_with_options(&options)).await
    {
        Ok(found) => match found.into_option() {
            Some(adapter) => adapter,
            None => return GpuOpen::NoAdapter,
        },
        Err(e) => return GpuOpen::Failed(format!("requestAdapter: {}", describe(&e))),
    };
    let info = adapter_info(&adapter);

    // Ask for the adapter's own storage limits (the defaults are 128 MiB per
    // binding, 256 MiB per buffer): never more than it offers, so this request
    // cannot fail on them.
    let limits = adapter.limits();
    let required = Object::<js_sys::Number>::new_typed();
    let _ = Reflect::set(
        &required,
        &"maxStorageBufferBindingSize".into(),
        &limits.max_storage_buffer_binding_size().into(),
    );
    let _ = Reflect::set(
        &required,
        &"maxBufferSize".into(),
        &limits.max_buffer_size().into(),
    );
    let descriptor = GpuDeviceDescriptor::new();
    descriptor.set_label("conpar gradient");
    descriptor.set_required_limits(&required);
    let device: GpuDevice =
        match JsFuture::from(adapter.request_device_with_descriptor(&descriptor)).await {
            Ok(device) => device,
            Err(e) => return GpuOpen::Failed(format!("requestDevice: {}", describe(&e))),
        };
    match Gpu::new(device, info).await {
        Ok(gpu) => GpuOpen::Ready(gpu),
        Err(e) => GpuOpen::Failed(e),
    }
}

impl Gpu {
    async fn new(device: GpuDevice, info: AdapterInfo) -> Result<Gpu, String> {
        let lost = Rc::new(Cell::new(false));
        {
            let lost = lost.clone();
            let promise = device.lost();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(promise).await;
                lost.set(true);
            });
        }
        let limits = device.limits();
        let max_binding =
            (limits.max_storage_buffer_binding_size() as u64).min(limits.max_buffer_size() as u64);
        let max_groups = limits.max_compute_workgroups_per_dimension();

        // Shader and pipeline errors are not exceptions: they go to the error scope.
        device.push_error_scope(GpuErrorFilter::Validation);
        let module = device.create_shader_module(&GpuShaderModuleDescriptor::new(SHADER));
        let pipelines = ["errors", "partials", "totals"].map(|e| pipeline(&device, &module, e));
        let params = device.create_buffer(&GpuBufferDescriptor::new(
            16,
            usage::UNIFORM | usage::COPY_DST,
        ));
        let scope = pop_scope(&device).await;
        let params = match params {
            Ok(params) => params,
            Err(e) => {
                device.destroy();
                return Err(format!("createBuffer: {}", describe(&e)));
            }
        };
        if let Some(message) = scope {
            device.destroy();
            return Err(format!("WebGPU pipeline setup: {message}"));
        }
        Ok(Gpu {
            info,
            queue: device.queue(),
            device,
            pipelines,
            params,
            max_binding,
            max_groups,
            loaded: RefCell::new(None),
            shared_views_ok: Cell::new(true),
            staging: RefCell::new(None),
            busy: Cell::new(false),
            lost,
        })
    }

    pub fn info(&self) -> &AdapterInfo {
        &self.info
    }

    /// Whether the device was lost (driver reset, `destroy()`, ...): then
    /// every call fails, and [`open`] must be called again.
    pub fn is_lost(&self) -> bool {
        self.lost.get()
    }

    /// Uploads `data` (and makes the buffers for batches of `batch`
    /// samples): once per data set, before the steps.
    pub async fn load(&self, data: &Dataset, batch: usize) -> Result<(), String> {
        self.unload();
        let x_bytes = (data.x.len() * 4) as u64;
        if x_bytes > self.max_binding {
            return Err(format!(
                "the data set ({}) is larger than this GPU lets one buffer be bound ({})",
                bytes_text(x_bytes),
                bytes_text(self.max_binding)
            ));
        }
        self.device.push_error_scope(GpuErrorFilter::OutOfMemory);
        self.device.push_error_scope(GpuErrorFilter::Validation);
        let made = self.make(data, batch);
        let invalid = pop_scope(&self.device).await;
        let out_of_memory = pop_scope(&self.device).await;
        let loaded = made?;
        if let Some(message) = invalid.or(out_of_memory) {
            loaded.destroy();
            return Err(format!("WebGPU: {message}"));
        }
        // Wait for the upload to reach the GPU, so that it is timed here and
        // not in the first step.
        let _ = JsFuture::from(self.queue.on_submitted_work_done()).await;
        *self.loaded.borrow_mut() = Some(loaded);
        Ok(())
    }

    /// The buffers and bind groups for `data`, the data set written; on a
    /// failure, every buffer made so far is destroyed.
    fn make(&self, data: &Dataset, batch: usize) -> Result<Loaded, String> {
        let mut made = Vec::new();
        let out = self.make_into(data, batch, &mut made);
        if out.is_err() {
            made.iter().for_each(GpuBuffer::destroy);
        }
        out
    }

    fn make_into(
        &self,
        data: &Dataset,
        batch: usize,
        made: &mut Vec<GpuBuffer>,
    ) -> Result<Loaded, String> {
        let mut buffer = |size: u64, flags: u32| -> Result<GpuBuffer, String> {
            let b = self.buffer(size, flags)?;
            made.push(b.clone());
            Ok(b)
        };
        let d = data.features;
        let numbers = sum_len(d) as u64;
        let chunks = batch.div_ceil(CHUNK) as u64;
        let storage = usage::STORAGE | usage::COPY_DST;
        let x = buffer((data.x.len() * 4) as u64, storage)?;
        let y = buffer((data.y.len() * 4) as u64, storage)?;
        self.write(&x, f32_bytes(&data.x))?;
        self.write(&y, f32_bytes(&data.y))?;
        let err = buffer(batch as u64 * 4, usage::STORAGE)?;
        let loss = buffer(batch as u64 * 4, usage::STORAGE)?;
        let part = buffer(chunks * numbers * 4, usage::STORAGE)?;
        let w = buffer((d as u64 + 1) * 4, storage)?;
        let total = buffer(numbers * 4, usage::STORAGE | usage::COPY_SRC)?;
        let readback = buffer(numbers * 4, usage::MAP_READ | usage::COPY_DST)?;
        // With `layout: "auto"` each pipeline's layout holds only the
        // bindings its entry point uses, and a bind group must match it.
        let p = &self.params;
        let groups = [
            self.bind_group(
                &self.pipelines[0],
                &[(0, p), (1, &x), (2, &y), (3, &w), (4, &err), (5, &loss)],
            ),
            self.bind_group(
                &self.pipelines[1],
                &[(0, p), (1, &x), (4, &err), (5, &loss), (6, &part)],
            ),
            self.bind_group(&self.pipelines[2], &[(0, p), (6, &part), (7, &total)]),
        ];
        Ok(Loaded {
            features: d,
            batch,
            buffers: vec![x, y, err, loss, part],
            w,
            total,
            readback,
            groups,
        })
    }

    /// One step's sums on the GPU: the batch starting at row `first`, with
    /// weights `w`; returns each weight's gradient, the bias's, and the
    /// loss, summed over the batch (as `work::accumulate` adds them, in f32).
    pub async fn step(&self, w: &[f32], first: usize) -> Result<Vec<f32>, String> {
        if self.lost.get() {
            return Err("the GPU device was lost".into());
        }
        let _busy = Busy::enter(&self.busy)?;
        let (readback, bytes) = {
            let loaded = self.loaded.borrow();
            let l = loaded.as_ref().ok_or("no data set on the GPU")?;
            if w.len() != l.features + 1 {
                return Err("weights of the wrong length".into());
            }
            let numbers = sum_len(l.features);
            let chunks = l.batch.div_ceil(CHUNK);
            let mut params = [0u8; 16];
            for (k, v) in [l.batch, l.features, first, chunks].into_iter().enumerate() {
                let v = u32::try_from(v).map_err(|_| "a batch too large for the GPU")?;
                params[4 * k..4 * k + 4].copy_from_slice(&v.to_le_bytes());
            }
            self.write(&self.params, &params)?;
            self.write(&l.w, f32_bytes(w))?;
            let encoder = self.device.create_command_encoder();
            let work = [l.batch, numbers * chunks, numbers];
            for ((pipeline, group), items) in self.pipelines.iter().zip(&l.groups).zip(work) {
                let (gx, gy) = self.grid(items as u64)?;
                let pass = encoder.begin_compute_pass();
                pass.set_pipeline(pipeline);
                pass.set_bind_group(0, Some(group));
                pass.dispatch_workgroups_with_workgroup_count_y(gx, gy);
                pass.end();
            }
            let bytes = (numbers * 4) as u32;
            encoder
                .copy_buffer_to_buffer_with_u32_and_u32_and_u32(&l.total, 0, &l.readback, 0, bytes)
                .map_err(|e| format!("copyBufferToBuffer: {}", describe(&e)))?;
            self.device.push_error_scope(GpuErrorFilter::Validation);
            self.queue.submit(&[encoder.finish()]);
            (l.readback.clone(), bytes)
        };
        // A pass the GPU refused leaves the sums unwritten: say so rather
        // than read back stale ones.
        if let Some(message) = pop_scope(&self.device).await {
            return Err(format!("WebGPU: {message}"));
        }
        JsFuture::from(readback.map_async_with_u32_and_u32(gpu_map_mode::READ, 0, bytes))
            .await
            .map_err(|e| format!("mapAsync: {}", describe(&e)))?;
        let sums = readback
            .get_mapped_range_with_u32_and_u32(0, bytes)
            .map(|r| Float32Array::new(&r).to_vec());
        readback.unmap();
        sums.map_err(|e| format!("getMappedRange: {}", describe(&e)))
    }

    /// Workgroups for `items` invocations, as (x, y): a single row of
    /// workgroups while they fit one dimension.
    fn grid(&self, items: u64) -> Result<(u32, u32), String> {
        let groups = items.div_ceil(WORKGROUP).max(1);
        let max = u64::from(self.max_groups);
        if groups <= max {
            return Ok((groups as u32, 1));
        }
        let rows = groups.div_ceil(max);
        if rows > max {
            return Err(format!("{items} invocations do not fit one dispatch"));
        }
        Ok((max as u32, rows as u32))
    }

    /// Frees the data set's buffers.
    pub fn unload(&self) {
        if let Some(l) = self.loaded.borrow_mut().take() {
            l.destroy();
        }
    }

    fn buffer(&self, size: u64, flags: u32) -> Result<GpuBuffer, String> {
        self.device
            .create_buffer(&GpuBufferDescriptor::new_with_f64(size as f64, flags))
            .map_err(|e| format!("createBuffer({size}): {}", describe(&e)))
    }

    fn bind_group(
        &self,
        pipeline: &GpuComputePipeline,
        entries: &[(u32, &GpuBuffer)],
    ) -> GpuBindGroup {
        let entries: Vec<GpuBindGroupEntry> = entries
            .iter()
            .map(|(binding, buffer)| {
                GpuBindGroupEntry::new_with_gpu_buffer_binding(
                    *binding,
                    &GpuBufferBinding::new(buffer),
                )
            })
            .collect();
        let layout = pipeline.get_bind_group_layout(0);
        self.device
            .create_bind_group(&GpuBindGroupDescriptor::new(&entries, &layout))
    }

    /// `queue.writeBuffer(buffer, 0, bytes)`: straight from the wasm memory
    /// where the browser takes a view of a `SharedArrayBuffer`, else through
    /// a non-shared copy, at most `STAGING_BYTES` at a time.
    fn write(&self, buffer: &GpuBuffer, bytes: &[u8]) -> Result<(), String> {
        if bytes.is_empty() {
            return Ok(());
        }
        if self.shared_views_ok.get() {
            if self
                .queue
                .write_buffer_with_u32_and_u8_slice(buffer, 0, bytes)
                .is_ok()
            {
                return Ok(());
            }
            // Firefox: "can't be a SharedArrayBuffer or an ArrayBufferView
            // backed by a SharedArrayBuffer". Copy from now on.
            self.shared_views_ok.set(false);
        }
        let mut staging = self.staging.borrow_mut();
        let len = bytes.len().min(STAGING_BYTES);
        if staging.as_ref().is_none_or(|s| (s.length() as usize) < len) {
            *staging = Some(Uint8Array::new_with_length(len as u32));
        }
        let staging = staging.as_ref().ok_or("no staging buffer")?;
        for (k, piece) in bytes.chunks(STAGING_BYTES).enumerate() {
            let view = staging.subarray(0, piece.len() as u32);
            view.copy_from(piece);
            let offset = (k * STAGING_BYTES) as u32;
            self.queue
                .write_buffer_with_u32_and_u8_array(buffer, offset, &view)
                .map_err(|e| format!("writeBuffer: {}", describe(&e)))?;
        }
        Ok(())
    }
}

impl Drop for Gpu {
    fn drop(&mut self) {
        self.unload();
        self.params.destroy();
        self.device.destroy();
    }
}

/// Marks a gradient in flight; clears the mark when dropped (also when the
/// caller drops the future half-way).
struct Busy<'a>(&'a Cell<bool>);

impl<'a> Busy<'a> {
    fn enter(flag: &'a Cell<bool>) -> Result<Busy<'a>, String> {
        if flag.replace(true) {
            return Err("a GPU gradient is already in flight".into());
        }
        Ok(Busy(flag))
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

fn pipeline(device: &GpuDevice, module: &GpuShaderModule, entry: &str) -> GpuComputePipeline {
    let stage = GpuProgrammableStage::new(module);
    stage.set_entry_point(entry);
    let descriptor = GpuComputePipelineDescriptor::new_with_gpu_auto_layout_mode(
        GpuAutoLayoutMode::Auto,
        &stage,
    );
    descriptor.set_label(entry);
    device.create_compute_pipeline(&descriptor)
}

/// Pops the innermost error scope: its error's message, if any.
async fn pop_scope(device: &GpuDevice) -> Option<String> {
    scope_message(JsFuture::from(device.pop_error_scope()).await)
}

fn scope_message(popped: Result<js_sys::JsNullable<GpuError>, JsValue>) -> Option<String> {
    match popped {
        Ok(error) => error.into_option().map(|e| e.message()),
        Err(e) => Some(format!("popErrorScope: {}", describe(&e))),
    }
}

/// The adapter's info; empty strings where the browser has none (before
/// Chrome 127 `adapter.info` did not exist; `isFallbackAdapter` moved from the
/// adapter to the info in 2025, so both are read).
fn adapter_info(adapter: &GpuAdapter) -> AdapterInfo {
    fn flag(o: &JsValue, key: &str) -> Option<bool> {
        Reflect::get(o, &key.into()).ok().and_then(|v| v.as_bool())
    }
    let present =
        Reflect::get(adapter, &"info".into()).is_ok_and(|v| !v.is_undefined() && !v.is_null());
    if !present {
        return AdapterInfo {
            fallback: flag(adapter, "isFallbackAdapter").unwrap_or(false),
            ..AdapterInfo::default()
        };
    }
    // The typed getters return `String`: only safe once `info` is known to be
    // there (the spec makes these three strings). `isFallbackAdapter` is newer
    // than `info` itself, so it is read through Reflect, where a missing one
    // is `None` rather than a thrown TypeError.
    let info = adapter.info();
    AdapterInfo {
        vendor: info.vendor(),
        architecture: info.architecture(),
        description: info.description(),
        fallback: flag(&info, "isFallbackAdapter")
            .or_else(|| flag(adapter, "isFallbackAdapter"))
            .unwrap_or(false),
    }
}

/// The bytes of `v` (wasm is little-endian, as WGSL's f32 storage is).
fn f32_bytes(v: &[f32]) -> &[u8] {
    // SAFETY: f32 has no padding and every byte pattern is a valid u8; the
    // length is the slice's size in bytes.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
}

fn bytes_text(b: u64) -> String {
    format!("{:.0} MB", b as f64 / 1e6)
}

/// A JS exception as text.
fn describe(e: &JsValue) -> String {
    if let Some(error) = e.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    e.as_string().unwrap_or_else(|| "unknown error".into())
}

/// What the page found of WebGPU, as it says it.
#[derive(Clone, Debug, PartialEq)]
pub enum GpuStatus {
    NoWebGpu,
    NoAdapter,
    Failed(String),
    Ready(AdapterInfo),
}

impl AdapterInfo {
    /// Its name as the page gives it: vendor, architecture, description.
    pub fn name(&self) -> String {
        let name = [
            self.vendor.as_str(),
            self.architecture.as_str(),
            self.description.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
        if name.is_empty() {
            "unnamed".into()
        } else {
            name
        }
    }

    /// A software adapter: said so (`isFallbackAdapter`), or named as one
    /// of the CPU rasterisers browsers fall back to.
    pub fn is_software(&self) -> bool {
        let name = self.name().to_lowercase();
        self.fallback
            || ["swiftshader", "llvmpipe", "lavapipe", "warp", "software"]
                .iter()
                .any(|s| name.contains(s))
    }
}

impl GpuStatus {
    /// The adapter's name when it is a software fallback.
    pub fn software_name(&self) -> Option<String> {
        match self {
            GpuStatus::Ready(info) if info.is_software() => Some(info.name()),
            _ => None,
        }
    }

    /// A sentence for the page.
    pub fn describe(&self) -> String {
        match self {
            GpuStatus::NoWebGpu => "This browser has no WebGPU: the GPU rung is left out, the CPU rungs run.".into(),
            GpuStatus::NoAdapter => "WebGPU is here, but the browser offers no GPU adapter (none is usable, or it is blocked): the GPU rung is left out, the CPU rungs run.".into(),
            GpuStatus::Failed(why) => format!("The GPU could not be opened ({why}): the GPU rung is left out."),
            GpuStatus::Ready(info) => {
                let name = info.name();
                if info.is_software() {
                    format!("GPU adapter: {name} — a software fallback: its shaders run on this CPU's cores, so the GPU rung measures an emulated GPU.")
                } else {
                    format!("GPU adapter: {name}.")
                }
            }
        }
    }
}

thread_local! {
    /// The GPU, opened once per page (its objects live on the main thread).
    static OPENED: RefCell<Option<(GpuStatus, Option<Rc<Gpu>>)>> = const { RefCell::new(None) };
}

/// Whether the browser has WebGPU at all (`navigator.gpu`): known at
/// once, without asking for an adapter (which starts the browser's GPU
/// machinery, and costs the page's cores meanwhile).
pub fn api_present() -> bool {
    web_sys::window().is_some_and(|w| {
        let gpu = w.navigator().gpu();
        !gpu.is_undefined() && !gpu.is_null()
    })
}

/// The page's GPU: opened on first use, again if it was lost.
pub async fn opened() -> (GpuStatus, Option<Rc<Gpu>>) {
    let kept = OPENED.with(|o| o.borrow().clone());
    if let Some((status, gpu)) = kept
        && gpu.as_ref().is_none_or(|g| !g.is_lost())
    {
        return (status, gpu);
    }
    let got = match open().await {
        GpuOpen::NoWebGpu => (GpuStatus::NoWebGpu, None),
        GpuOpen::NoAdapter => (GpuStatus::NoAdapter, None),
        GpuOpen::Failed(why) => (GpuStatus::Failed(why), None),
        GpuOpen::Ready(gpu) => (GpuStatus::Ready(gpu.info().clone()), Some(Rc::new(gpu))),
    };
    OPENED.with(|o| *o.borrow_mut() = Some(got.clone()));
    got
}
