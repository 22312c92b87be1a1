//! WebGPU compute path (DRAFT, not yet in the module tree): the gradient of
//! logistic regression, computed by two compute passes.
//!
//! Wasm only, main thread only: every handle here is a JS object (not `Send`).
//!
//! Needs web-sys's WebGPU bindings, which in web-sys 0.3.107 are still
//! unstable: every `Gpu*` item is behind `#[cfg(web_sys_unstable_apis)]`, so
//! the wasm build needs `--cfg=web_sys_unstable_apis` in its rustflags, and
//! these web-sys features: `Gpu`, `GpuAdapter`, `GpuAdapterInfo`,
//! `GpuAutoLayoutMode`, `GpuBindGroup`, `GpuBindGroupDescriptor`,
//! `GpuBindGroupEntry`, `GpuBindGroupLayout`, `GpuBuffer`, `GpuBufferBinding`,
//! `GpuBufferDescriptor`, `GpuCommandBuffer`, `GpuCommandEncoder`,
//! `GpuComputePassEncoder`, `GpuComputePipeline`,
//! `GpuComputePipelineDescriptor`, `GpuDevice`, `GpuDeviceDescriptor`,
//! `GpuDeviceLostInfo`, `GpuError`, `GpuErrorFilter`, `GpuPowerPreference`,
//! `GpuProgrammableStage`, `GpuQueue`, `GpuRequestAdapterOptions`,
//! `GpuShaderModule`, `GpuShaderModuleDescriptor`, `GpuSupportedLimits`,
//! `gpu_buffer_usage`, `gpu_map_mode` (plus `Navigator`, `Window`).
//!
//! The same WGSL and the same buffer plan run in /tmp/gpu_try/gpu_test.js,
//! checked there against a CPU gradient in headless Chromium (SwiftShader).
//!
//! Uploads: `queue.writeBuffer` is given a view of the wasm memory, which is a
//! `SharedArrayBuffer` in this threaded build. Chromium accepts that (the spec
//! says `AllowSharedBufferSource`); Firefox has rejected it with a TypeError
//! (emscripten-core/emscripten#21007, #23149). The first rejection switches
//! this module to copying through a non-shared `Uint8Array` from then on.

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

/// The two entry points: `errors` (one invocation per sample) and `grads`
/// (one invocation per parameter). Workgroups are laid out on a 2D grid, as
/// one dimension holds at most 65535 of them; the flat index is
/// `(wg.y * num_workgroups.x + wg.x) * 64 + local_index`.
const SHADER: &str = r"
struct Params {
  n: u32,   // rows in this chunk
  d: u32,   // features
  _p0: u32,
  _p1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> err: array<f32>;
@group(0) @binding(5) var<storage, read_write> g: array<f32>;

fn flat_index(wg: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return (wg.y * nwg.x + wg.x) * 64u + lid;
}

fn sigmoid(z: f32) -> f32 {
  // Stable for large |z|: exp only of a non-positive number.
  let e = exp(-abs(z));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), z >= 0.0);
}

// err[i] = sigmoid(w . x_i + b) - y[i]
@compute @workgroup_size(64)
fn errors(@builtin(workgroup_id) wg: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
  let i = flat_index(wg, nwg, lid);
  if (i >= params.n) { return; }
  let d = params.d;
  let row = i * d;
  var z = w[d];
  for (var j = 0u; j < d; j = j + 1u) {
    z = z + w[j] * x[row + j];
  }
  err[i] = sigmoid(z) - y[i];
}

// g[j] += sum_i err[i] * x[i][j] (j < d); g[d] += sum_i err[i].
// Adds, so that rows can come in chunks; the host clears g first.
@compute @workgroup_size(64)
fn grads(@builtin(workgroup_id) wg: vec3<u32>,
         @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) lid: u32) {
  let j = flat_index(wg, nwg, lid);
  let d = params.d;
  if (j > d) { return; }
  let n = params.n;
  var s = 0.0;
  if (j == d) {
    for (var i = 0u; i < n; i = i + 1u) { s = s + err[i]; }
  } else {
    for (var i = 0u; i < n; i = i + 1u) { s = s + err[i] * x[i * d + j]; }
  }
  g[j] = g[j] + s;
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

/// A device, the gradient's pipelines, and its buffers (kept between calls).
pub struct Gpu {
    info: AdapterInfo,
    device: GpuDevice,
    queue: GpuQueue,
    errors_pipeline: GpuComputePipeline,
    grads_pipeline: GpuComputePipeline,
    /// The uniform `Params`, 16 bytes.
    params: GpuBuffer,
    /// The largest buffer that can be bound as storage, in bytes.
    max_binding: u64,
    /// The most workgroups in one dimension of a dispatch.
    max_groups: u32,
    buffers: RefCell<Option<Buffers>>,
    /// Whether `writeBuffer` takes views of the (shared) wasm memory.
    shared_views_ok: Cell<bool>,
    /// A non-shared copy area for browsers that refuse shared views.
    staging: RefCell<Option<Uint8Array>>,
    /// A gradient is in flight (its readback buffer is being mapped).
    busy: Cell<bool>,
    /// Set when `device.lost` resolves.
    lost: Rc<Cell<bool>>,
}

/// The per-size buffers and the bind groups that name them.
#[derive(Clone)]
struct Buffers {
    x: GpuBuffer,
    y: GpuBuffer,
    err: GpuBuffer,
    w: GpuBuffer,
    g: GpuBuffer,
    readback: GpuBuffer,
    /// Capacities in bytes: of `x`; of `y` and `err`; of `w`, `g`, `readback`.
    x_bytes: u64,
    row_bytes: u64,
    param_bytes: u64,
    errors_group: GpuBindGroup,
    grads_group: GpuBindGroup,
}

impl Buffers {
    fn destroy(&self) {
        for b in [
            &self.x,
            &self.y,
            &self.err,
            &self.w,
            &self.g,
            &self.readback,
        ] {
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
    let required = Object::new_typed::<js_sys::Number>();
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
        let errors_pipeline = pipeline(&device, &module, "errors");
        let grads_pipeline = pipeline(&device, &module, "grads");
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
            errors_pipeline,
            grads_pipeline,
            params,
            max_binding,
            max_groups,
            buffers: RefCell::new(None),
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

    /// Logistic regression gradient over `n` samples of `d` features:
    /// x is row-major n*d f32, y is n labels (0.0/1.0), w is d weights + 1 bias (len d+1).
    /// Returns the gradient (len d+1): g_j = sum_i (sigmoid(w·x_i + b) - y_i) * x_ij ;
    /// g_d = sum_i (sigmoid(...) - y_i).
    /// Uploads x, y, w each call, runs the compute, reads back. Errors as String.
    ///
    /// Rows that do not fit one storage binding are sent in chunks (one
    /// submit each, adding into g). One call at a time: a second call while
    /// one is in flight fails.
    pub async fn gradient(
        &self,
        x: &[f32],
        y: &[f32],
        w: &[f32],
        n: usize,
        d: usize,
    ) -> Result<Vec<f32>, String> {
        let p = d.checked_add(1).ok_or("d is too large")?;
        if n.checked_mul(d) != Some(x.len()) || y.len() != n || w.len() != p {
            return Err(format!(
                "gradient: expected x {n}×{d}, y {n}, w {p}; got {}, {}, {}",
                x.len(),
                y.len(),
                w.len()
            ));
        }
        let Some(result_bytes) = p.checked_mul(4).and_then(|b| u32::try_from(b).ok()) else {
            return Err("gradient: too many features".into());
        };
        if self.lost.get() {
            return Err("the GPU device was lost".into());
        }
        if n == 0 {
            return Ok(vec![0.0; p]);
        }
        let _busy = Busy::enter(&self.busy)?;

        // Rows per chunk: as many as one storage binding holds.
        let row_bytes = 4 * d.max(1) as u64;
        let chunk = (self.max_binding / row_bytes).min(n as u64) as usize;
        if chunk == 0 || u64::from(result_bytes) > self.max_binding {
            return Err(format!(
                "one row of {d} features is larger than this GPU's {} byte storage limit",
                self.max_binding
            ));
        }

        self.device.push_error_scope(GpuErrorFilter::OutOfMemory);
        self.device.push_error_scope(GpuErrorFilter::Validation);
        let submitted = self.buffers(chunk, d).and_then(|b| {
            // A readback left mapped (or mapping) by a dropped call: release it.
            b.readback.unmap();
            self.encode(&b, x, y, w, n, d, chunk, result_bytes)
                .map(|()| b)
        });
        let validation = JsFuture::from(self.device.pop_error_scope());
        let out_of_memory = JsFuture::from(self.device.pop_error_scope());
        let buffers = match submitted {
            Ok(b) => b,
            Err(e) => {
                let _ = validation.await;
                let _ = out_of_memory.await;
                self.drop_buffers();
                return Err(e);
            }
        };
        let mapped = JsFuture::from(buffers.readback.map_async_with_u32_and_u32(
            gpu_map_mode::READ,
            0,
            result_bytes,
        ));
        let invalid = scope_message(validation.await);
        let out_of_memory = scope_message(out_of_memory.await);
        let scope_error = invalid.or(out_of_memory);
        let mapped = mapped.await;
        if let Some(message) = scope_error {
            buffers.readback.unmap();
            self.drop_buffers();
            return Err(format!("WebGPU: {message}"));
        }
        if let Err(e) = mapped {
            return Err(format!("mapAsync: {}", describe(&e)));
        }
        let range = buffers
            .readback
            .get_mapped_range_with_u32_and_u32(0, result_bytes);
        let gradient = range.map(|r| Float32Array::new(&r).to_vec());
        buffers.readback.unmap();
        gradient.map_err(|e| format!("getMappedRange: {}", describe(&e)))
    }

    /// Writes the inputs and submits the passes, chunk by chunk (all
    /// synchronous: the queue orders each chunk's writes after the previous
    /// chunk's submit).
    #[allow(clippy::too_many_arguments)]
    fn encode(
        &self,
        b: &Buffers,
        x: &[f32],
        y: &[f32],
        w: &[f32],
        n: usize,
        d: usize,
        chunk: usize,
        result_bytes: u32,
    ) -> Result<(), String> {
        let p = d + 1;
        self.write(&b.w, f32_bytes(w))?;
        let mut start = 0;
        while start < n {
            let rows = chunk.min(n - start);
            let mut params = [0u8; 16];
            params[0..4].copy_from_slice(&(rows as u32).to_le_bytes());
            params[4..8].copy_from_slice(&(d as u32).to_le_bytes());
            self.write(&self.params, &params)?;
            self.write(&b.x, f32_bytes(&x[start * d..(start + rows) * d]))?;
            self.write(&b.y, f32_bytes(&y[start..start + rows]))?;

            let encoder = self.device.create_command_encoder();
            if start == 0 {
                encoder.clear_buffer(&b.g);
            }
            let (gx, gy) = self.grid(rows as u64)?;
            let pass = encoder.begin_compute_pass();
            pass.set_pipeline(&self.errors_pipeline);
            pass.set_bind_group(0, Some(&b.errors_group));
            pass.dispatch_workgroups_with_workgroup_count_y(gx, gy);
            pass.end();
            let (gx, gy) = self.grid(p as u64)?;
            let pass = encoder.begin_compute_pass();
            pass.set_pipeline(&self.grads_pipeline);
            pass.set_bind_group(0, Some(&b.grads_group));
            pass.dispatch_workgroups_with_workgroup_count_y(gx, gy);
            pass.end();
            start += rows;
            if start == n {
                encoder
                    .copy_buffer_to_buffer_with_u32_and_u32_and_u32(
                        &b.g,
                        0,
                        &b.readback,
                        0,
                        result_bytes,
                    )
                    .map_err(|e| format!("copyBufferToBuffer: {}", describe(&e)))?;
            }
            self.queue.submit(&[encoder.finish()]);
        }
        Ok(())
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

    /// The buffers for `rows` rows of `d` features: the cached ones if they
    /// are large enough, else new ones (the old ones destroyed).
    fn buffers(&self, rows: usize, d: usize) -> Result<Buffers, String> {
        let x_bytes = ((rows * d * 4) as u64).max(16);
        let row_bytes = ((rows * 4) as u64).max(16);
        let param_bytes = (((d + 1) * 4) as u64).max(16);
        if let Some(b) = &*self.buffers.borrow()
            && b.x_bytes >= x_bytes
            && b.row_bytes >= row_bytes
            && b.param_bytes >= param_bytes
        {
            return Ok(b.clone());
        }
        self.drop_buffers();
        let storage = usage::STORAGE | usage::COPY_DST;
        let x = self.buffer(x_bytes, storage)?;
        let y = self.buffer(row_bytes, storage)?;
        let err = self.buffer(row_bytes, usage::STORAGE)?;
        let w = self.buffer(param_bytes, storage)?;
        let g = self.buffer(param_bytes, storage | usage::COPY_SRC)?;
        let readback = self.buffer(param_bytes, usage::MAP_READ | usage::COPY_DST)?;
        // With `layout: "auto"` each pipeline's layout holds only the bindings
        // its entry point uses, and a bind group must match it exactly.
        let errors_group = self.bind_group(
            &self.errors_pipeline,
            &[(0, &self.params), (1, &x), (2, &y), (3, &w), (4, &err)],
        );
        let grads_group = self.bind_group(
            &self.grads_pipeline,
            &[(0, &self.params), (1, &x), (4, &err), (5, &g)],
        );
        let b = Buffers {
            x,
            y,
            err,
            w,
            g,
            readback,
            x_bytes,
            row_bytes,
            param_bytes,
            errors_group,
            grads_group,
        };
        *self.buffers.borrow_mut() = Some(b.clone());
        Ok(b)
    }

    fn buffer(&self, size: u64, usage: u32) -> Result<GpuBuffer, String> {
        self.device
            .create_buffer(&GpuBufferDescriptor::new_with_f64(size as f64, usage))
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

    /// Forgets (and frees) the cached buffers: after an error they may be invalid.
    fn drop_buffers(&self) {
        if let Some(b) = self.buffers.borrow_mut().take() {
            b.destroy();
        }
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
        self.drop_buffers();
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
    let flag = |o: &JsValue, key: &str| Reflect::get(o, &key.into()).ok().and_then(|v| v.as_bool());
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

/// A JS exception as text.
fn describe(e: &JsValue) -> String {
    if let Some(error) = e.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    e.as_string().unwrap_or_else(|| "unknown error".into())
}
